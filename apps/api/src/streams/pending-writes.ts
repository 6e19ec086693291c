/**
 * Counts a connection's writes that have not reached it yet, so a catch-up read can wait for a slow
 * client without one listener per write. `settled()` resolves when none is pending, or the connection closed.
 */
export class PendingWrites {
  private pending = 0;
  private closed = false;
  private waiters: Array<() => void> = [];

  /** A callback for one write: pass it as the write's completion callback. */
  started(): () => void {
    this.pending++;
    return () => {
      this.pending--;
      if (this.pending === 0) this.wake();
    };
  }

  /** The connection closed: nothing pending will complete. */
  close(): void {
    this.closed = true;
    this.wake();
  }

  settled(): Promise<void> {
    if (this.pending === 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}
