import type { WebSocket } from 'ws';
import { PendingWrites } from './pending-writes';
import type { StreamEndReason, StreamSink } from './stream.session';

/**
 * Close codes of a stream's WebSocket: the close reason is the position to resume from (when it fits
 * the 123 bytes a reason may hold; the `cut` message before the close always has it).
 */
export const WEBSOCKET_CLOSE_CODES: Readonly<Record<Exclude<StreamEndReason, 'client'>, number>> = {
  /** Fell more than the buffer behind: reconnect with the position. */
  'slow-client': 4008,
  /** The api is stopping (1001 going away). */
  shutdown: 1001,
  /** Reading Kafka failed (1011 internal error). */
  error: 1011,
};
const MAX_CLOSE_REASON_BYTES = 123;

/**
 * A stream as WebSocket text messages, one JSON object each: `{"type":"event","event":<name>,
 * "position":…,"data":<event>}`, `{"type":"heartbeat","position":…}` while idle, and last
 * `{"type":"cut","reason":…,"position":…}` before a close the server chooses.
 */
export class WebSocketSink implements StreamSink {
  private readonly writes = new PendingWrites();

  constructor(
    private readonly socket: WebSocket,
    private readonly eventName: string,
  ) {
    socket.once('close', () => this.writes.close());
    // Clients have nothing to say on a stream; a broken connection ends it through 'close'.
    socket.on('error', () => undefined);
  }

  get bufferedBytes(): number {
    return this.socket.bufferedAmount;
  }

  event(json: string, position: string): void {
    this.send(`{"type":"event","event":${JSON.stringify(this.eventName)},"position":"${position}","data":${json}}`);
  }

  heartbeat(position: string): void {
    this.send(`{"type":"heartbeat","position":"${position}"}`);
  }

  close(reason: Exclude<StreamEndReason, 'client'>, position: string, graceMs: number): void {
    this.send(JSON.stringify({ type: 'cut', reason, position }));
    this.socket.close(WEBSOCKET_CLOSE_CODES[reason], Buffer.byteLength(position) <= MAX_CLOSE_REASON_BYTES ? position : undefined);
    // A client that never reads never answers the close either.
    const drop = setTimeout(() => this.socket.terminate(), graceMs).unref();
    this.socket.once('close', () => clearTimeout(drop));
  }

  flushed(): Promise<void> {
    return this.writes.settled();
  }

  onClosed(listener: () => void): void {
    this.socket.once('close', listener);
  }

  private send(message: string): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(message, this.writes.started());
  }
}
