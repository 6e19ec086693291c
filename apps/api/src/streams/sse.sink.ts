import type { ServerResponse } from 'node:http';
import { PendingWrites } from './pending-writes';
import type { StreamEndReason, StreamSink } from './stream.session';

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  // Proxies that buffer responses (nginx) would hold events back.
  'x-accel-buffering': 'no',
} as const;

/** The heartbeat interval, so a client can tell a silent stream from a dead connection (the console's watchdog). */
export const HEARTBEAT_HEADER = 'x-heartbeat-interval-ms';

/**
 * A stream as Server-Sent Events: each event is `id: <position>`, `event: <name>`, `data: <JSON>`;
 * a heartbeat is a comment line (with the position); the end the server chooses is `event: cut` with the position to resume
 * from as its `id` (so EventSource resumes from it too) and in its data.
 */
export class SseSink implements StreamSink {
  private readonly writes = new PendingWrites();

  constructor(
    private readonly response: ServerResponse,
    private readonly eventName: string,
    heartbeatMs: number,
  ) {
    response.writeHead(200, { ...SSE_HEADERS, [HEARTBEAT_HEADER]: String(heartbeatMs) });
    response.flushHeaders();
    response.once('close', () => this.writes.close());
  }

  get bufferedBytes(): number {
    return this.response.writableLength;
  }

  event(json: string, position: string): void {
    this.write(`id: ${position}\nevent: ${this.eventName}\ndata: ${json}\n\n`);
  }

  /** A comment, and an `id:` without data: EventSource takes it as its Last-Event-ID without an event, so a filtered stream resumes past what its filter left out. */
  heartbeat(position: string): void {
    this.write(`: heartbeat\nid: ${position}\n\n`);
  }

  close(reason: Exclude<StreamEndReason, 'client'>, position: string, graceMs: number): void {
    this.response.end(`id: ${position}\nevent: cut\ndata: ${JSON.stringify({ reason, position })}\n\n`);
    // A client that never reads would hold the connection (and what waits for it) forever.
    const drop = setTimeout(() => this.response.destroy(), graceMs).unref();
    this.response.once('close', () => clearTimeout(drop));
  }

  flushed(): Promise<void> {
    return this.writes.settled();
  }

  onClosed(listener: () => void): void {
    this.response.once('close', listener);
  }

  private write(chunk: string): void {
    if (!this.response.destroyed) this.response.write(chunk, this.writes.started());
  }
}
