/**
 * How much a stream may hold for one client: bytes handed to its connection that the client has not
 * taken yet. Live events never wait for a client (the shared reader serves everyone), so a client
 * that falls more than `maxBytes` behind is cut, with a marker to resume from. A resuming client's
 * catch-up reads are its own: they pause while half the budget waits, instead of cutting it.
 */
export class StreamBufferPolicy {
  constructor(readonly maxBytes: number) {}

  /** A live client holding more than this is cut. */
  overflows(bufferedBytes: number): boolean {
    return bufferedBytes > this.maxBytes;
  }

  /** Catch-up waits for the client before reading on. */
  pausesCatchUp(bufferedBytes: number): boolean {
    return bufferedBytes >= this.catchUpReadBytes;
  }

  /** At most this much per catch-up read: a paused catch-up then never holds more than the budget. */
  get catchUpReadBytes(): number {
    return Math.max(1, Math.floor(this.maxBytes / 2));
  }
}
