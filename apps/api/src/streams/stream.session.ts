import type { StreamBufferPolicy } from './stream-buffer.policy';
import { type Offsets, formatPosition } from './stream-position';

/** One event of a topic, decoded once for every stream that reads it. */
export interface StreamRecord {
  readonly partition: number;
  readonly offset: number;
  readonly event: unknown;
  /** The event as JSON on one line, as sent. */
  readonly json: string;
}

/** Why a stream ended: the client left, fell too far behind, the api stopped, or reading Kafka failed. */
export type StreamEndReason = 'client' | 'slow-client' | 'shutdown' | 'error';

/** A client's connection as a stream writes to it (Server-Sent Events or WebSocket). */
export interface StreamSink {
  /** Bytes handed to the connection that the client has not taken yet. */
  readonly bufferedBytes: number;
  event(json: string, position: string): void;
  heartbeat(position: string): void;
  /** A final marker naming the position to resume from, then the end; the connection is dropped if the client has not taken it within `graceMs`. */
  close(reason: Exclude<StreamEndReason, 'client'>, position: string, graceMs: number): void;
  /** Resolves once everything written so far has reached the connection, or the client is gone. */
  flushed(): Promise<void>;
  /** Called once when the client's connection closes. */
  onClosed(listener: () => void): void;
}

export interface StreamSessionOptions {
  readonly sink: StreamSink;
  /** Where the stream starts: the next offset of each partition. */
  readonly start: Offsets;
  /** What this stream sends of a record: its JSON (as is, or a partner's view of it), or undefined when the record is not this stream's. */
  readonly select: (record: StreamRecord) => string | undefined;
  readonly policy: StreamBufferPolicy;
  /** How long a cut client gets, by default, to take its last events and the marker. */
  readonly cutGraceMs: number;
  readonly onEnd: (reason: StreamEndReason) => void;
}

/**
 * One client's stream: its position (advanced past every event it passed, sent or filtered out),
 * the events it writes, heartbeats while idle, and its end. Each offset is passed once: a record at or
 * below the position is skipped, so catch-up reads and the shared live reader can overlap freely.
 */
export class StreamSession {
  private readonly next: number[];
  private live = false;
  private wroteSinceTick = false;
  private endReason?: StreamEndReason;

  constructor(private readonly options: StreamSessionOptions) {
    this.next = [...options.start];
    options.sink.onClosed(() => this.end('client'));
  }

  get position(): string {
    return formatPosition(this.next);
  }

  get isEnded(): boolean {
    return this.endReason !== undefined;
  }

  get sink(): StreamSink {
    return this.options.sink;
  }

  /** The partitions where this stream is behind `offsets`, each with the offset to read from. */
  behind(offsets: Offsets): Map<number, number> {
    return new Map(this.next.flatMap((next, partition) => (next < offsets[partition] ? [[partition, next]] : [])));
  }

  /** Offers one record; it is written if it is new to this stream and selected by it. */
  deliver(record: StreamRecord): void {
    if (this.endReason || record.offset < this.next[record.partition]) return;
    this.next[record.partition] = record.offset + 1;
    const json = this.options.select(record);
    if (json === undefined) return;
    this.options.sink.event(json, this.position);
    this.wroteSinceTick = true;
    if (this.live && this.options.policy.overflows(this.options.sink.bufferedBytes)) this.end('slow-client');
  }

  /** Moves past offsets that hold no event for anyone (control records). */
  skipTo(partition: number, next: number): void {
    if (next > this.next[partition]) this.next[partition] = next;
  }

  /** Catch-up is over: from now on events come from the shared reader, which waits for nobody. */
  goLive(): void {
    this.live = true;
    if (this.options.policy.overflows(this.options.sink.bufferedBytes)) this.end('slow-client');
  }

  /** Called every heartbeat interval: a stream that wrote nothing since, and has nothing waiting, says it is alive. */
  tick(): void {
    if (this.endReason) return;
    if (!this.wroteSinceTick && this.options.sink.bufferedBytes === 0) this.options.sink.heartbeat(this.position);
    this.wroteSinceTick = false;
  }

  /** Ends the stream; unless the client left, it gets the marker to resume from, and `graceMs` to take it. */
  end(reason: StreamEndReason, graceMs = this.options.cutGraceMs): void {
    if (this.endReason) return;
    this.endReason = reason;
    if (reason !== 'client') this.options.sink.close(reason, this.position, graceMs);
    this.options.onEnd(reason);
  }
}
