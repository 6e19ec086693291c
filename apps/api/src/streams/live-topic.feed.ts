import { type FetchedMessage, OffsetOutOfRangeError, type TopicFetcher } from '@airan/kafka';
import type { Logger } from '@airan/observability';
import type { Offsets } from './stream-position';
import type { StreamRecord, StreamSession } from './stream.session';

/** A long poll: the broker answers as soon as anything arrives, and a stop waits at most this long. */
const LIVE_WAIT_MS = 500;
/** Per read: what a read holds in memory at once (the bytes, then the decoded events) stays small. */
const LIVE_READ_BYTES = 1024 * 1024;
const RETRY_MS = 1000;

/** A message as streams see it; undefined for what no stream can show (a tombstone, a value that is not JSON). */
export function streamRecord(message: FetchedMessage): StreamRecord | undefined {
  if (message.value === null) return undefined;
  const text = message.value.toString('utf8');
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch {
    return undefined;
  }
  // SSE data must be one line: producers write compact JSON, but anything else is re-written compactly.
  const json = /[\r\n]/.test(text) ? JSON.stringify(event) : text;
  return { partition: message.partition, offset: message.offset, event, json };
}

/**
 * The one reader of a topic per api instance: it follows every partition from where it started (the
 * end, when the first stream of the topic opened) and hands each event to every attached stream,
 * synchronously and in fetch order, waiting for none of them. `position` is what it has handed out,
 * so a stream whose position reached it can attach without a gap or an overlap.
 */
export class LiveTopicFeed {
  private readonly next: number[];
  private readonly sessions = new Set<StreamSession>();
  private stopped = false;
  private readonly loop: Promise<void>;
  private stopping?: Promise<void>;

  private constructor(
    private readonly fetcher: TopicFetcher,
    start: Offsets,
    private readonly logger: Logger,
  ) {
    this.next = [...start];
    this.loop = this.run();
  }

  /** Starts at the topic's current end. */
  static async start(fetcher: TopicFetcher, logger: Logger): Promise<LiveTopicFeed> {
    const ranges = await fetcher.ranges();
    return new LiveTopicFeed(fetcher, ranges.map((r) => r.high), logger);
  }

  get position(): Offsets {
    return this.next;
  }

  attach(session: StreamSession): void {
    this.sessions.add(session);
  }

  detach(session: StreamSession): void {
    this.sessions.delete(session);
  }

  /** Ends the reader (its long poll first, at most LIVE_WAIT_MS); any number of calls stop it once. */
  stop(): Promise<void> {
    this.stopped = true;
    this.stopping ??= this.loop.then(() => this.fetcher.close()).catch(() => undefined);
    return this.stopping;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const { messages, next } = await this.fetcher.fetch(new Map(this.next.map((offset, partition) => [partition, offset])), { maxWaitMs: LIVE_WAIT_MS, maxBytes: LIVE_READ_BYTES });
        for (const message of messages) this.hand(message);
        for (const [partition, offset] of next) this.next[partition] = Math.max(this.next[partition], offset);
      } catch (error) {
        if (this.stopped) return;
        if (error instanceof OffsetOutOfRangeError) await this.rebase(error);
        else this.logger.warn({ err: (error as Error).message, topic: this.fetcher.topic }, 'live stream read failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }

  private hand(message: FetchedMessage): void {
    this.next[message.partition] = message.offset + 1;
    const record = streamRecord(message);
    if (!record) {
      this.logger.warn({ topic: this.fetcher.topic, partition: message.partition, offset: message.offset }, 'passing over a message that is not JSON');
      return;
    }
    for (const session of this.sessions) session.deliver(record);
  }

  /**
   * Retention overtook the reader (only a reader stalled for the topic's whole retention can see this):
   * its streams end, to resume and be told their position expired, and it carries on from what is kept.
   */
  private async rebase(error: Error): Promise<void> {
    this.logger.error({ err: error.message, topic: this.fetcher.topic }, 'live stream reader fell behind retention; ending its streams');
    for (const session of this.sessions) session.end('error');
    const ranges = await this.fetcher.ranges().catch(() => undefined);
    ranges?.forEach((r) => (this.next[r.partition] = Math.min(Math.max(this.next[r.partition], r.low), r.high)));
  }
}
