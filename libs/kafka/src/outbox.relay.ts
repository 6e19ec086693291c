import type { DataSource } from 'typeorm';
import { faultPoint } from '@airan/config';
import { NotifiedLoop, type OutboxRepository } from '@airan/database';
import { counter, type Logger } from '@airan/observability';
import type { DurableProducer } from './kafka.producer';

const relayed = counter('airan_outbox_relayed_total', 'Outbox events published to Kafka');
/** Published events are kept this long for inspection, then pruned (checked at most once a minute). */
const KEEP_PUBLISHED_MS = 3_600_000;
const PRUNE_EVERY_MS = 60_000;

/**
 * Publishes a service's outbox to Kafka. Woken by Postgres NOTIFY as soon as a transaction that
 * added events commits (from this process or any other, such as the key CLI); the periodic sweep
 * only picks up what a crash or a broker outage left behind.
 */
export class OutboxRelay {
  private readonly loop: NotifiedLoop;
  private lastPrune = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxRepository,
    private readonly producer: DurableProducer,
    logger: Logger,
    private readonly batchSize = 500,
  ) {
    this.loop = new NotifiedLoop(dataSource, { channel: outbox.channel, sweepMs: 1000, onError: (error) => logger.warn({ err: error.message }, 'outbox relay failed; will retry') }, () =>
      this.drain(),
    );
  }

  start(): Promise<void> {
    return this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async drain(): Promise<undefined> {
    if (Date.now() - this.lastPrune > PRUNE_EVERY_MS) {
      this.lastPrune = Date.now();
      await this.outbox.prunePublished(this.dataSource, KEEP_PUBLISHED_MS);
    }
    for (;;) {
      const published = await this.outbox.publishPending(this.dataSource, this.batchSize, async (rows) => {
        await this.producer.sendBatch(rows.map((row) => ({ topic: row.topic, message: { key: row.key, value: row.value, headers: row.headers } })));
        // Kafka holds the events, the outbox does not say so yet: a crash here publishes them again.
        faultPoint('outbox.published');
      });
      relayed.inc(published);
      if (published < this.batchSize) return undefined;
    }
  }
}
