import type { FieldError, TelemetryDeadLetter } from '@airan/contracts';

/** Not even the envelope of a dead letter fits (a topic limit of a few hundred bytes). */
export class DeadLetterTooLargeError extends Error {
  constructor(
    readonly bytes: number,
    readonly maxValueBytes: number,
  ) {
    super(`a dead letter needs at least ${bytes} bytes; a message holds at most ${maxValueBytes}`);
    this.name = 'DeadLetterTooLargeError';
  }
}

const bytesOf = (json: string) => Buffer.byteLength(json);

/**
 * A dead letter as a JSON value of at most `maxValueBytes`. One that fits is sent as it is. A record too
 * large for a message on its own (a 1.5 MB VES event with one bad counter) is still dead-lettered,
 * never dropped and never the cause of a 503: its `raw` is cut to the beginning of its text (a string
 * stays a string, anything else becomes the beginning of its JSON text) and `rawTruncated.bytes` tells
 * the full size; if its errors alone are too many, the last ones are replaced by one `TRUNCATED` entry
 * saying how many were left out. Reason, format, key, operator and site are always kept.
 */
export function fitDeadLetter(letter: TelemetryDeadLetter, maxValueBytes: number): string {
  const whole = JSON.stringify(letter);
  if (bytesOf(whole) <= maxValueBytes) return whole;

  const text = typeof letter.raw === 'string' ? letter.raw : (JSON.stringify(letter.raw) ?? 'null');
  const rawTruncated = { bytes: bytesOf(text) };
  const shell = (errors: readonly FieldError[]) => ({ ...letter, errors, raw: '', rawTruncated });
  const errors = fitErrors(letter.errors, (kept) => bytesOf(JSON.stringify(shell(kept))) <= maxValueBytes);
  const empty = JSON.stringify(shell(errors));
  if (bytesOf(empty) > maxValueBytes) throw new DeadLetterTooLargeError(bytesOf(empty), maxValueBytes);
  // `raw: ""` is in the shell already: the cut text may take what is left, escaped as JSON.
  const raw = cutToJsonBytes(text, maxValueBytes - bytesOf(empty));
  return JSON.stringify({ ...shell(errors), raw });
}

/** As many errors, from the first, as `fits` allows, the rest summed up in one TRUNCATED entry. */
function fitErrors(errors: readonly FieldError[], fits: (kept: readonly FieldError[]) => boolean): readonly FieldError[] {
  if (errors.length === 0 || fits(errors)) return errors;
  const omitted = (n: number): FieldError => ({ path: '$', code: 'TRUNCATED', message: `${n} more errors left out: the dead letter must fit in one Kafka message` });
  // Binary search on how many to keep: fits is monotonic in the number kept.
  let lo = 0;
  let hi = errors.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits([...errors.slice(0, mid), omitted(errors.length - mid)])) lo = mid;
    else hi = mid - 1;
  }
  return [...errors.slice(0, lo), omitted(errors.length - lo)];
}

/** The longest prefix of `text` whose JSON string escape (without the quotes) takes at most `budget` bytes. */
export function cutToJsonBytes(text: string, budget: number): string {
  // Never end on the first half of a surrogate pair (JSON would escape it as six bytes of nonsense).
  const prefix = (length: number) => (length > 0 && /[\ud800-\udbff]/.test(text[length - 1]) ? text.slice(0, length - 1) : text.slice(0, length));
  const fits = (length: number) => bytesOf(JSON.stringify(prefix(length))) - 2 <= budget;
  // Every character takes at least a byte: no prefix longer than the budget fits. Binary search below that.
  let lo = 0;
  let hi = Math.min(text.length, Math.max(0, budget));
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return prefix(lo);
}
