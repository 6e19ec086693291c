import type { ServerResponse } from 'node:http';

/** The client read nothing for the stall timeout: the export was ended. */
export class ExportStalledError extends Error {
  constructor(stallMs: number) {
    super(`the client read nothing for ${stallMs} ms`);
  }
}

/**
 * Writes an export to the response at the client's pace: `write` resolves at once while the socket takes
 * data, and otherwise only once it drains, so the caller fetches no more rows than the client reads. A
 * client that reads nothing for `stallMs` gets its connection closed (the export then fails), so no
 * export holds its Postgres connection and snapshot forever.
 */
export class ResponseWriter {
  private failure?: Error;

  constructor(
    private readonly out: ServerResponse,
    private readonly stallMs: number,
  ) {
    out.once('close', () => {
      if (!out.writableFinished) this.failure ??= new Error('the client closed the connection');
    });
  }

  async write(chunk: Buffer | string): Promise<void> {
    this.throwIfFailed();
    if (!this.out.write(chunk)) await this.drained();
  }

  /** Throws why the response cannot go on (the client left, or stalled), if it cannot. */
  throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  end(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve) => this.out.end(resolve));
  }

  private drained(): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (error?: Error) => {
        clearTimeout(timer);
        this.out.off('drain', onDrain);
        this.out.off('close', onClose);
        if (error) reject(error);
        else resolve();
      };
      const onDrain = () => done();
      const onClose = () => done(this.failure ?? new Error('the client closed the connection'));
      const timer = setTimeout(() => {
        this.failure = new ExportStalledError(this.stallMs);
        cutOff(this.out);
        done(this.failure);
      }, this.stallMs);
      this.out.on('drain', onDrain);
      this.out.once('close', onClose);
    });
  }
}

/**
 * Ends a response that cannot complete with a TCP reset: the client sees an error at once, never a graceful
 * end that could pass for a complete file, and the kernel drops what the client left unread instead of
 * holding it for a reader that may never come back.
 */
export function cutOff(out: ServerResponse): void {
  if (out.socket && !out.socket.destroyed) out.socket.resetAndDestroy();
  else out.destroy();
}
