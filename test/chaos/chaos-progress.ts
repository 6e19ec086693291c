/**
 * The campaign's progress bar on stderr: phase, faults so far and records accepted, redrawn in place on a
 * terminal, one line every few seconds otherwise (CI logs, Jest), so a log holds no carriage-return soup.
 */
export class ChaosProgress {
  private phase = 'starting';
  private done = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly tty = process.stderr.isTTY === true;

  constructor(
    private readonly status: () => { faults: number; plannedFaults: number; records: number },
    everyMs = process.stderr.isTTY ? 250 : 5000,
  ) {
    this.timer = setInterval(() => this.draw(), everyMs);
  }

  /** A new phase is shown at once; a new fraction of the same phase waits for the next redraw. */
  set(phase: string, done = 0): void {
    const changed = phase !== this.phase;
    this.phase = phase;
    this.done = done;
    if (changed && !this.tty) this.draw();
  }

  stop(): void {
    clearInterval(this.timer);
    this.draw();
    if (this.tty) process.stderr.write('\n');
  }

  private draw(): void {
    const { faults, plannedFaults, records } = this.status();
    const width = 24;
    const filled = Math.round(Math.min(1, Math.max(0, this.done)) * width);
    const line = `[chaos] ${this.phase.padEnd(14)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] faults ${faults}/${plannedFaults}, ${records.toLocaleString('en')} records accepted`;
    process.stderr.write(this.tty ? `\r${line.padEnd(100)}` : `${line}\n`);
  }
}
