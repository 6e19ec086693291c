import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { INFRA, type ServiceInfra } from '@airan/http';
import { counter, metricsRegistry } from '@airan/observability';

/** Failed writes kept for a retry; beyond this the oldest goes (a Postgres outage of minutes at full rate). */
export const BOOKKEEPING_MAX_PENDING = 10_000;
const RETRY_EVERY_MS = 1000;

const pendingGauge = new Gauge({ name: 'airan_ingest_bookkeeping_pending', help: 'Postgres bookkeeping writes (site liveness, unknown identifiers) that failed and wait for a retry', registers: [metricsRegistry] });
const dropped = counter('airan_ingest_bookkeeping_dropped_total', 'Bookkeeping writes given up because more than BOOKKEEPING_MAX_PENDING waited', ['what']);

interface PendingWrite {
  readonly what: string;
  readonly write: () => Promise<void>;
}

/**
 * ingest's Postgres writes that follow Kafka's acknowledgement: site liveness and unknown identifiers.
 * Once Kafka holds a request's data the request has succeeded, so a bookkeeping write that fails
 * (Postgres restarting, a connection dropped) must not answer it with an error, or the client sends
 * again what is already stored. The write is kept and retried every second, in order, until Postgres
 * takes it. The writes are commutative (GREATEST and LEAST over times), so a late one changes nothing
 * a newer one said; one that committed before its answer was lost counts an unknown identifier's
 * request once more, and nothing else.
 */
@Injectable()
export class BookkeepingQueue implements OnModuleDestroy {
  private readonly pending: PendingWrite[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Writes dropped since the queue was last empty: the first is logged, the rest counted. */
  private droppedInOutage = 0;
  private retrying: Promise<void> | undefined;

  constructor(@Inject(INFRA) private readonly infra: Pick<ServiceInfra, 'logger'>) {}

  /** Writes now; a failure is kept for a retry and logged, never thrown. */
  async write(what: string, write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      this.keep({ what, write }, error as Error);
    }
  }

  get pendingWrites(): number {
    return this.pending.length;
  }

  /** Retries what waits, oldest first, until one fails again (Postgres still away) or none is left. */
  retry(): Promise<void> {
    this.retrying ??= this.retryPending().finally(() => (this.retrying = undefined));
    return this.retrying;
  }

  onModuleDestroy(): void {
    clearTimeout(this.timer);
    if (this.pending.length > 0) this.infra.logger.warn({ pending: this.pending.length }, 'bookkeeping writes not retried before shutdown');
  }

  private keep(write: PendingWrite, error: Error): void {
    if (this.pending.length === 0) this.infra.logger.warn({ what: write.what, err: error.message }, 'bookkeeping write failed after Kafka acknowledged; retrying every second');
    this.pending.push(write);
    if (this.pending.length > BOOKKEEPING_MAX_PENDING) {
      const oldest = this.pending.shift()!;
      dropped.inc({ what: oldest.what });
      if (this.droppedInOutage++ === 0) this.infra.logger.error({ what: oldest.what, pending: this.pending.length }, 'bookkeeping write dropped: too many waiting');
    }
    pendingGauge.set(this.pending.length);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.pending.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.retry().then(() => this.schedule());
    }, RETRY_EVERY_MS);
    this.timer.unref();
  }

  private async retryPending(): Promise<void> {
    const before = this.pending.length;
    while (this.pending.length > 0) {
      const oldest = this.pending[0];
      try {
        await oldest.write();
      } catch {
        break;
      }
      // By identity: an overflow while it was written may have dropped it from the front already.
      const at = this.pending.indexOf(oldest);
      if (at >= 0) this.pending.splice(at, 1);
    }
    pendingGauge.set(this.pending.length);
    if (before > 0 && this.pending.length === 0) {
      this.infra.logger.info({ written: before, dropped: this.droppedInOutage }, 'bookkeeping writes retried and stored');
      this.droppedInOutage = 0;
    }
  }
}
