/** At most this many examples of each finding are kept (the counts are exact). */
const EXAMPLES = 10;

/** How often something the campaign checks went wrong, with the first few cases. */
export interface Finding {
  readonly count: number;
  readonly examples: readonly string[];
}

/** Counts a finding's cases, keeping the first EXAMPLES. */
export class Collector {
  count = 0;
  readonly examples: string[] = [];
  add(example: string, n = 1): void {
    this.count += n;
    if (this.examples.length < EXAMPLES) this.examples.push(example);
  }
  get finding(): Finding {
    return { count: this.count, examples: this.examples };
  }
}
