import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { NotifiedLoop } from '@airan/database';
import { INFRA, type ServiceInfra } from '@airan/http';
import { counter } from '@airan/observability';
import type { AlertingConfig } from '../alerting.config';
import { NOTIFY_CHANNEL, NotificationRepository, type PendingNotification } from './notification.repository';

const BATCH = 20;
const outcomes = counter('airan_alerting_notifications_total', 'Notification attempts, by receiver and outcome', ['receiver', 'outcome']);

/**
 * Delivers queued notifications at least once: woken by NOTIFY when a change commits, retrying 5xx,
 * 429 and network failures with exponential backoff (Alertmanager's rule: 4xx is not retried).
 * State lives in Postgres, so a restart resumes exactly where delivery stood.
 */
@Injectable()
export class NotificationDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly loop: NotifiedLoop;

  constructor(
    @Inject(INFRA) private readonly infra: ServiceInfra<AlertingConfig>,
    private readonly notifications: NotificationRepository,
  ) {
    this.loop = new NotifiedLoop(infra.dataSource, { channel: NOTIFY_CHANNEL, sweepMs: 1000, onError: (error) => infra.logger.warn({ err: error.message }, 'notification pass failed') }, () => this.pass());
    infra.readinessChecks.push(this.loop.readiness);
  }

  onApplicationBootstrap(): Promise<void> {
    return this.loop.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.loop.stop();
  }

  private async pass(): Promise<number | undefined> {
    const { dataSource } = this.infra;
    for (;;) {
      const claimed = await dataSource.transaction(async (tx) => {
        const due = await this.notifications.claimDue(tx, BATCH);
        const results = await Promise.all(due.map((n) => this.attempt(n)));
        for (const [i, n] of due.entries()) await this.record(tx, n, results[i]);
        return due.length;
      });
      if (claimed < BATCH) break;
    }
    return this.notifications.msUntilNextDue(dataSource.manager);
  }

  private async attempt(n: PendingNotification): Promise<{ ok: true } | { ok: false; retry: boolean; error: string }> {
    const body = n.kind === 'pagerduty' ? { ...(n.body as object), routing_key: this.infra.config.ALERTING_PAGERDUTY_ROUTING_KEY } : n.body;
    try {
      const response = await fetch(n.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'airan-alerting' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.infra.config.ALERTING_NOTIFY_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      if (response.ok) return { ok: true };
      return { ok: false, retry: response.status === 429 || response.status >= 500, error: `HTTP ${response.status}` };
    } catch (error) {
      return { ok: false, retry: true, error: (error as Error).message };
    }
  }

  private async record(tx: EntityManager, n: PendingNotification, result: Awaited<ReturnType<NotificationDispatcher['attempt']>>): Promise<void> {
    if (result.ok) {
      outcomes.inc({ receiver: n.receiver, outcome: 'delivered' });
      return this.notifications.markDelivered(tx, n.id);
    }
    outcomes.inc({ receiver: n.receiver, outcome: result.retry ? 'retry' : 'failed' });
    if (!result.retry) return this.notifications.markFailed(tx, n.id, result.error);
    const backoff = Math.min(this.infra.config.ALERTING_NOTIFY_MAX_BACKOFF_MS, 500 * 2 ** n.attempts);
    return this.notifications.markRetry(tx, n.id, backoff, result.error);
  }
}
