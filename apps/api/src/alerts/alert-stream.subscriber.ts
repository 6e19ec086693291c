import type { AlertEvent } from '@airan/contracts';
import type { RecordedAlertEvent } from './alert-read.repository';

/** Label filters of one stream; an absent one matches everything. */
export interface AlertStreamFilter {
  readonly operator?: string;
  readonly site?: string;
  readonly severity?: string;
}

/** The part of an HTTP response (or any writable) a stream writes to. */
export interface StreamSink {
  write(chunk: string): boolean;
  end(chunk?: string): unknown;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  removeListener(event: 'drain' | 'close', listener: () => void): unknown;
}

/** Why a stream ended: the client went away, fell too far behind, or the server ended it. */
export type StreamEnd = 'client' | 'overflow' | 'server';

const frame = (event: AlertEvent) => `id: ${event.id}\nevent: alert\ndata: ${JSON.stringify(event)}\n\n`;

/**
 * One client's Server-Sent Events stream of alert events. It first replays what the client missed
 * (holding live events meanwhile), then follows live, each event once, in commit order. Events it
 * cannot hand to the socket wait in a bounded queue: a client more than `maxQueued` events behind
 * gets a final `overflow` event and is disconnected, to resume with Last-Event-ID.
 */
export class AlertStreamSubscriber {
  private readonly queue: string[] = [];
  private held: RecordedAlertEvent[] | undefined;
  private awaitingDrain = false;
  private readonly drainWaiters: Array<() => void> = [];
  private lastSeq = -1;
  private ended = false;

  constructor(
    private readonly out: StreamSink,
    private readonly filter: AlertStreamFilter,
    private readonly maxQueued: number,
    private readonly onEnd: (reason: StreamEnd) => void,
    /** The client's last event, when it resumes: live events wait until the replay caught up with them. */
    resumeAfterSeq?: number,
  ) {
    if (resumeAfterSeq !== undefined) {
      this.lastSeq = resumeAfterSeq;
      this.held = [];
    }
    out.once('close', this.closed);
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** A live event, as committed. */
  offer(recorded: RecordedAlertEvent): void {
    if (this.ended) return;
    if (this.held) {
      this.held.push(recorded);
      this.checkBacklog();
    } else {
      this.deliver(recorded);
    }
  }

  /** A missed event; resolves once the client can take the next. */
  async replay(recorded: RecordedAlertEvent): Promise<void> {
    this.deliver(recorded);
    await this.drained();
  }

  /** The replay is over: events held meanwhile follow (those the replay already sent are skipped). */
  goLive(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const recorded of held) this.deliver(recorded);
  }

  heartbeat(): void {
    // Only idle streams need it: a client with a backlog is getting events.
    if (this.ended || this.awaitingDrain) return;
    if (!this.out.write(': heartbeat\n\n')) this.waitForDrain();
  }

  /** Ends the stream from the server side. */
  end(): void {
    this.endWith('server');
  }

  private deliver(recorded: RecordedAlertEvent): void {
    if (this.ended || recorded.seq <= this.lastSeq) return;
    this.lastSeq = recorded.seq;
    const { labels } = recorded.event;
    const { operator, site, severity } = this.filter;
    if ((operator && labels.operator !== operator) || (site && labels.site !== site) || (severity && labels.severity !== severity)) return;
    this.write(frame(recorded.event));
  }

  private write(chunk: string): void {
    if (this.awaitingDrain) {
      this.queue.push(chunk);
      this.checkBacklog();
      return;
    }
    if (!this.out.write(chunk)) this.waitForDrain();
  }

  private waitForDrain(): void {
    this.awaitingDrain = true;
    this.out.removeListener('drain', this.flush);
    this.out.once('drain', this.flush);
  }

  private readonly flush = (): void => {
    this.awaitingDrain = false;
    while (!this.ended && this.queue.length > 0) {
      if (!this.out.write(this.queue.shift()!)) return this.waitForDrain();
    }
    for (const resolve of this.drainWaiters.splice(0)) resolve();
  };

  private drained(): Promise<void> {
    if (!this.awaitingDrain || this.ended) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private checkBacklog(): void {
    const behind = this.queue.length + (this.held?.length ?? 0);
    if (behind <= this.maxQueued) return;
    this.queue.length = 0;
    this.endWith('overflow', `event: overflow\ndata: ${JSON.stringify({ message: `more than ${this.maxQueued} events behind; reconnect with Last-Event-ID to resume` })}\n\n`);
  }

  private endWith(reason: StreamEnd, lastFrame?: string): void {
    if (this.ended) return;
    this.finish(reason);
    this.out.end(lastFrame);
  }

  private readonly closed = (): void => {
    if (!this.ended) this.finish('client');
  };

  private finish(reason: StreamEnd): void {
    this.ended = true;
    this.held = undefined;
    this.out.removeListener('drain', this.flush);
    this.out.removeListener('close', this.closed);
    for (const resolve of this.drainWaiters.splice(0)) resolve();
    this.onEnd(reason);
  }
}
