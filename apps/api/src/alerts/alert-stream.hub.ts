import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { INFRA, type ServiceInfra } from '@airan/http';
import { counter } from '@airan/observability';
import type { ApiConfig } from '../api.config';
import { AlertReadRepository } from './alert-read.repository';
import { AlertEventsListener } from './alert-events.listener';
import { type AlertStreamFilter, AlertStreamSubscriber, type StreamEnd } from './alert-stream.subscriber';
import { AlertsError } from './alerts.errors';

const REPLAY_PAGE = 500;

const opened = counter('airan_api_alert_streams_opened_total', 'Alert streams opened (Server-Sent Events)');
const ended = counter('airan_api_alert_streams_ended_total', 'Alert streams ended: the client left, fell too far behind (overflow), or the server ended it', ['reason']);

/**
 * Fans committed alert events out to the open Server-Sent Events streams of this instance. Events
 * come from Postgres (NOTIFY at commit, then read by id), never from the consumer's transaction, so
 * no stream ever shows an event that was rolled back, and every api instance sees every event.
 * When notifications may have been missed (connection lost, read failed) every stream is ended:
 * clients resume with Last-Event-ID, and the replay fills the gap.
 */
@Injectable()
export class AlertStreamHub implements OnModuleInit, OnModuleDestroy {
  private readonly subscribers = new Set<AlertStreamSubscriber>();
  private readonly listener: AlertEventsListener;
  private notified: string[] = [];
  private fanningOut = false;
  private heartbeat?: NodeJS.Timeout;

  constructor(
    @Inject(INFRA) private readonly infra: ServiceInfra<ApiConfig>,
    private readonly alerts: AlertReadRepository,
  ) {
    this.listener = new AlertEventsListener(infra.config.DATABASE_URL, {
      recorded: (id) => {
        this.notified.push(id);
        void this.fanOut();
      },
      lost: (error) => this.endAll(error, 'lost the alert events notification connection'),
    });
    infra.readinessChecks.push({
      name: 'alert-stream',
      check: async () => {
        if (!this.listener.listening) throw new Error('not listening for alert events');
      },
    });
  }

  async onModuleInit(): Promise<void> {
    await this.listener.start();
    this.heartbeat = setInterval(() => this.subscribers.forEach((s) => s.heartbeat()), this.infra.config.API_STREAM_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Streams end before the HTTP server closes, which would otherwise wait for them. */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.listener.stop();
    this.subscribers.forEach((s) => s.end());
  }

  /**
   * Answers `reply` with a stream of the alert events matching `filter`: those recorded after
   * `lastEventId` first, when given, then live ones. Fails (before anything is sent) when this
   * instance is not listening or does not know `lastEventId`.
   */
  async open(reply: FastifyReply, filter: AlertStreamFilter, lastEventId?: string): Promise<void> {
    if (!this.listener.listening) throw new AlertsError('STREAM_UNAVAILABLE', 'alert stream unavailable: not listening for alert events; retry shortly');
    const resumeAfter = lastEventId === undefined ? undefined : (await this.alerts.position(lastEventId))?.seq;
    if (lastEventId !== undefined && resumeAfter === undefined) throw new AlertsError('UNKNOWN_LAST_EVENT_ID', `no alert event ${lastEventId}: reconnect without Last-Event-ID`);

    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    raw.flushHeaders();
    const forget = (reason: StreamEnd) => {
      this.subscribers.delete(subscriber);
      ended.inc({ reason });
    };
    const subscriber = new AlertStreamSubscriber(raw, filter, this.infra.config.API_STREAM_MAX_QUEUED_EVENTS, forget, resumeAfter);
    opened.inc();
    // Registered before the replay reads, so nothing committed meanwhile falls between the two.
    this.subscribers.add(subscriber);
    if (resumeAfter === undefined) return;
    try {
      for (let after = resumeAfter; !subscriber.isEnded; ) {
        const page = await this.alerts.after(after, REPLAY_PAGE);
        for (const recorded of page) await subscriber.replay(recorded);
        if (page.length < REPLAY_PAGE) break;
        after = page[page.length - 1].seq;
      }
      subscriber.goLive();
    } catch (error) {
      // The response is already under way: the client sees the stream end and resumes.
      this.infra.logger.error({ err: error }, 'alert stream replay failed');
      subscriber.end();
    }
  }

  /** Reads notified events in the order they were committed and offers them to every stream; one pass at a time keeps that order. */
  private async fanOut(): Promise<void> {
    if (this.fanningOut) return;
    this.fanningOut = true;
    try {
      while (this.notified.length > 0) {
        const ids = this.notified.splice(0);
        if (this.subscribers.size === 0) continue;
        try {
          const recorded = await this.alerts.byIds(ids);
          for (const subscriber of this.subscribers) recorded.forEach((r) => subscriber.offer(r));
        } catch (error) {
          this.endAll(error as Error, 'could not read notified alert events');
        }
      }
    } finally {
      this.fanningOut = false;
    }
  }

  private endAll(error: Error, message: string): void {
    this.infra.logger.warn({ err: error.message, streams: this.subscribers.size }, `${message}; ending alert streams (clients resume with Last-Event-ID)`);
    this.subscribers.forEach((s) => s.end());
  }
}
