import type { OnApplicationBootstrap, OnModuleDestroy, Provider } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { faultPoint } from '@airan/config';
import { NotifiedLoop, OutboxRepository } from '@airan/database';
import { counter, type Logger, type ReadinessCheck } from '@airan/observability';
import { DurableProducer } from './kafka.producer';

const relayed = counter('airan_outbox_relayed_total', 'Outbox events published to Kafka');
/** Published events are kept this long for inspection, then pruned (checked at most once a minute). */
const KEEP_PUBLISHED_MS = 3_600_000;
const PRUNE_EVERY_MS = 60_000;

/**
 * Publishes a service's outbox to Kafka with its own durable producer, for as long as the app runs
 * (a Nest provider: it starts at application bootstrap, after every module's init, and stops before
 * shared connections close). Woken by Postgres NOTIFY as soon as a transaction that added events
 * commits (from this process or any other, such as the key CLI); the periodic sweep only picks up what
 * a crash or a broker outage left behind.
 */
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly loop: NotifiedLoop;
  private readonly producer: DurableProducer;
  private lastPrune = 0;

  constructor(
    kafka: Kafka,
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxRepository,
    logger: Logger,
    private readonly batchSize = 500,
  ) {
    this.producer = new DurableProducer(kafka);
    this.loop = new NotifiedLoop(dataSource, { channel: outbox.channel, sweepMs: 1000, onError: (error) => logger.warn({ err: error.message }, 'outbox relay failed; will retry') }, () =>
      this.drain(),
    );
  }

  /** Down while the relay's LISTEN connection is being re-established (events then wait for the sweep). */
  get readiness(): ReadinessCheck {
    return this.loop.readiness;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.producer.connect();
    await this.loop.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
    await this.producer.disconnect();
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

/**
 * Providers of a service's outbox (in the schema named after the service) and its relay to Kafka, for
 * services whose state produces events.
 */
export function outboxProviders(service: { readonly name: string; readonly kafka: Kafka; readonly dataSource: DataSource; readonly logger: Logger; readonly readinessChecks: ReadinessCheck[] }): Provider[] {
  return [
    { provide: OutboxRepository, useValue: new OutboxRepository(service.name) },
    {
      provide: OutboxRelay,
      inject: [OutboxRepository],
      useFactory: (outbox: OutboxRepository) => {
        const relay = new OutboxRelay(service.kafka, service.dataSource, outbox, service.logger);
        service.readinessChecks.push(relay.readiness);
        return relay;
      },
    },
  ];
}
