import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { INFRA, type ServiceInfra } from '@airan/http';
import { TopicFetcher } from '@airan/kafka';
import { counter } from '@airan/observability';
import type { ApiConfig } from '../api.config';
import { LiveTopicFeed, streamRecord } from './live-topic.feed';
import { StreamBufferPolicy } from './stream-buffer.policy';
import { type Offsets, checkPosition, parsePosition } from './stream-position';
import { STREAM_PRODUCT_SPECS, type StreamFilter, type StreamProduct, eventMatcher } from './stream-products';
import { type StreamEndReason, type StreamRecord, StreamSession, type StreamSink } from './stream.session';
import { StreamsError } from './streams.errors';

export type StreamTransport = 'sse' | 'websocket';

export interface OpenStreamRequest {
  readonly product: StreamProduct;
  readonly transport: StreamTransport;
  readonly keyId: string;
  /** The operators whose events the key may see (and asked for), and the other filters. */
  readonly operators: 'all' | readonly string[];
  readonly filter: Omit<StreamFilter, 'operator'>;
  /** A partner's view of an event under its grants (undefined: not granted); absent for every other role. */
  readonly share?: (event: object) => Record<string, unknown> | undefined;
  /** The position to resume from (well-formed), and where the client gave it, for the error details. */
  readonly resumeFrom?: { readonly position: string; readonly path: string };
  /** Answers the client once the stream can start (SSE headers, or the WebSocket handshake); undefined when the client is gone. */
  readonly connect: () => Promise<StreamSink | undefined>;
}

/** Catch-up reads answer at once when the data is there, which it is: it lies before the live reader's position. */
const CATCH_UP_WAIT_MS = 100;
/** A stopping api gives its clients this long to take the final marker. */
const SHUTDOWN_GRACE_MS = 2000;

const opened = counter('airan_api_streams_opened_total', 'Live streams opened, by product and transport (sse, websocket)', ['product', 'transport']);
const ended = counter(
  'airan_api_streams_ended_total',
  'Live streams ended, by product, transport and reason: client (it left), slow-client (cut, more than API_STREAM_MAX_BUFFERED_BYTES behind), shutdown, error (reading Kafka failed)',
  ['product', 'transport', 'reason'],
);

interface FeedHold {
  readonly feed: Promise<LiveTopicFeed>;
  users: number;
}

/**
 * Every live stream of this api instance. One shared reader per topic (started with the topic's first
 * stream, stopped with its last) hands events to the streams following it live; a stream resuming
 * from an older position first catches up with reads of its own, then joins the shared reader where
 * its position meets it. Each key holds at most API_STREAM_MAX_PER_KEY streams here.
 */
@Injectable()
export class StreamsHub implements OnModuleInit, OnModuleDestroy {
  private readonly sessions = new Set<StreamSession>();
  private readonly feeds = new Map<StreamProduct, FeedHold>();
  /** One connection per topic for every stream's catch-up reads and position checks (the live reader's long polls would delay them). */
  private readonly fetchers = new Map<StreamProduct, Promise<TopicFetcher>>();
  private readonly perKey = new Map<string, number>();
  private readonly policy: StreamBufferPolicy;
  private heartbeat?: NodeJS.Timeout;

  constructor(@Inject(INFRA) private readonly infra: ServiceInfra<ApiConfig>) {
    this.policy = new StreamBufferPolicy(infra.config.API_STREAM_MAX_BUFFERED_BYTES);
  }

  /** At most this long passes between two frames of an idle stream's ticks (a heartbeat is sent when a tick finds nothing written). */
  get heartbeatMs(): number {
    return this.infra.config.API_STREAM_HEARTBEAT_MS;
  }

  onModuleInit(): void {
    this.heartbeat = setInterval(() => this.sessions.forEach((s) => s.tick()), this.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Streams end (with their marker) before the HTTP server closes, which would otherwise wait for them. */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.heartbeat);
    const feeds = [...this.feeds.values()].map((hold) => hold.feed);
    const fetchers = [...this.fetchers.values()];
    this.fetchers.clear();
    this.sessions.forEach((s) => s.end('shutdown', SHUTDOWN_GRACE_MS));
    await Promise.all([...feeds.map((f) => f.then((feed) => feed.stop())), ...fetchers.map((f) => f.then((fetcher) => fetcher.close()))].map((p) => p.catch(() => undefined)));
  }

  /**
   * Opens a stream: refuses (before answering the client) beyond the key's limit, when Kafka does not
   * answer, or for a position that is not this topic's or has expired; then connects the client and
   * streams from its position, or from now.
   */
  async open(request: OpenStreamRequest): Promise<void> {
    const { product, keyId } = request;
    this.reserve(keyId);
    let hold: FeedHold | undefined;
    try {
      hold = this.holdFeed(product);
      const feed = await hold.feed.catch((error: Error) => {
        throw this.unavailable(product, error);
      });
      const start = request.resumeFrom && (await this.resumeOffsets(product, request.resumeFrom.position, request.resumeFrom.path));
      const sink = await request.connect();
      if (!sink) throw new ClientGone();
      const session = this.startSession(request, hold, sink, start ?? feed.position);
      if (start) void this.catchUp(session, feed, product);
      else {
        feed.attach(session);
        session.goLive();
      }
    } catch (error) {
      if (hold) this.releaseFeed(product, hold);
      this.unreserve(keyId);
      if (!(error instanceof ClientGone)) throw error;
    }
  }

  private startSession(request: OpenStreamRequest, hold: FeedHold, sink: StreamSink, start: Offsets): StreamSession {
    const { product, transport, keyId } = request;
    const session: StreamSession = new StreamSession({
      sink,
      start,
      select: selection(request),
      policy: this.policy,
      cutGraceMs: this.infra.config.API_STREAM_CUT_GRACE_MS,
      onEnd: (reason: StreamEndReason) => {
        this.sessions.delete(session);
        void hold.feed.then((feed) => feed.detach(session));
        this.releaseFeed(product, hold);
        this.unreserve(keyId);
        ended.inc({ product, transport, reason });
      },
    });
    this.sessions.add(session);
    opened.inc({ product, transport });
    return session;
  }

  /** Reads what the stream missed until its position reaches the live reader's, then attaches it there (synchronously, so nothing falls between). */
  private async catchUp(session: StreamSession, feed: LiveTopicFeed, product: StreamProduct): Promise<void> {
    try {
      const fetcher = await this.fetcher(product);
      while (!session.isEnded) {
        const behind = session.behind(feed.position);
        if (behind.size === 0) {
          feed.attach(session);
          session.goLive();
          return;
        }
        const { messages, next } = await fetcher.fetch(behind, { maxWaitMs: CATCH_UP_WAIT_MS, maxBytes: this.policy.catchUpReadBytes });
        for (const message of messages) {
          const record = streamRecord(message);
          if (record) session.deliver(record);
          else session.skipTo(message.partition, message.offset + 1);
        }
        for (const [partition, offset] of next) session.skipTo(partition, offset);
        if (this.policy.pausesCatchUp(session.sink.bufferedBytes)) await session.sink.flushed();
      }
    } catch (error) {
      this.infra.logger.warn({ err: (error as Error).message, product }, 'stream catch-up read failed; ending the stream (the client resumes from its position)');
      session.end('error');
    }
  }

  private async resumeOffsets(product: StreamProduct, position: string, path: string): Promise<Offsets> {
    const ranges = await this.fetcher(product)
      .then((fetcher) => fetcher.ranges())
      .catch((error: Error) => {
        throw this.unavailable(product, error);
      });
    const check = checkPosition(parsePosition(position)!, ranges);
    if (check.kind === 'ok') return check.offsets;
    const code = check.kind === 'foreign' ? 'FOREIGN_POSITION' : 'POSITION_EXPIRED';
    const advice = check.kind === 'foreign' ? `not a position of the ${product} stream` : 'events after this position are gone; reconnect without a position';
    throw new StreamsError(code, `${advice}: ${check.reason}`, [{ path, code, message: check.reason }]);
  }

  private holdFeed(product: StreamProduct): FeedHold {
    let hold = this.feeds.get(product);
    if (!hold) {
      const started = this.startFeed(product);
      const created: FeedHold = { feed: started, users: 0 };
      // A reader that could not start is forgotten at once: the next stream tries again.
      started.catch(() => this.feeds.get(product) === created && this.feeds.delete(product));
      this.feeds.set(product, (hold = created));
    }
    hold.users++;
    return hold;
  }

  private releaseFeed(product: StreamProduct, hold: FeedHold): void {
    if (--hold.users > 0) return;
    if (this.feeds.get(product) === hold) this.feeds.delete(product);
    void hold.feed.then((feed) => feed.stop()).catch(() => undefined);
  }

  private async startFeed(product: StreamProduct): Promise<LiveTopicFeed> {
    const fetcher = await TopicFetcher.open(this.infra.kafka, this.topic(product));
    return LiveTopicFeed.start(fetcher, this.infra.logger).catch(async (error) => {
      await fetcher.close().catch(() => undefined);
      throw error;
    });
  }

  private fetcher(product: StreamProduct): Promise<TopicFetcher> {
    let fetcher = this.fetchers.get(product);
    if (!fetcher) {
      fetcher = TopicFetcher.open(this.infra.kafka, this.topic(product));
      const opening = fetcher;
      opening.catch(() => this.fetchers.get(product) === opening && this.fetchers.delete(product));
      this.fetchers.set(product, fetcher);
    }
    return fetcher;
  }

  private topic(product: StreamProduct): string {
    return this.infra.topics[STREAM_PRODUCT_SPECS[product].topic];
  }

  private reserve(keyId: string): void {
    const open = this.perKey.get(keyId) ?? 0;
    const max = this.infra.config.API_STREAM_MAX_PER_KEY;
    if (open >= max) throw new StreamsError('TOO_MANY_STREAMS', `this key already holds ${open} open streams on this instance (at most ${max}); close one first`);
    this.perKey.set(keyId, open + 1);
  }

  private unreserve(keyId: string): void {
    const open = (this.perKey.get(keyId) ?? 1) - 1;
    if (open > 0) this.perKey.set(keyId, open);
    else this.perKey.delete(keyId);
  }

  private unavailable(product: StreamProduct, error: Error): StreamsError {
    this.infra.logger.warn({ err: error.message, product }, 'could not read the stream topic');
    return new StreamsError('STREAM_UNAVAILABLE', `the ${product} stream cannot read Kafka right now; retry shortly`, undefined, 1);
  }
}

/** The client left during the handshake: nothing to answer. */
class ClientGone extends Error {}

/** What a stream sends of each record: the filters first, then, for a partner, its grants' view of the event. */
function selection({ product, operators, filter, share }: OpenStreamRequest): (record: StreamRecord) => string | undefined {
  const matches = eventMatcher(product, operators, filter);
  if (!share) return (record) => (matches(record.event) ? record.json : undefined);
  return (record) => {
    if (record.event === null || typeof record.event !== 'object' || !matches(record.event)) return undefined;
    const view = share(record.event);
    return view && JSON.stringify(view);
  };
}
