import type { OnApplicationBootstrap, OnModuleDestroy, Provider } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { faultPoint } from '@airan/config';
import { NotifiedLoop, type OutboxClaim, OutboxRepository } from '@airan/database';
import { counter, type Logger, type ReadinessCheck } from '@airan/observability';
import { DurableProducer } from './kafka.producer';

const relayed = counter('airan_outbox_relayed_total', 'Outbox events published to Kafka');
/** Published events are kept this long for inspection, then pruned (checked at most once a minute). */
const KEEP_PUBLISHED_MS = 3_600_000;
const PRUNE_EVERY_MS = 60_000;
/** Batches held at once: one being sent, the next claimed behind it, the one before being marked published. */
const PIPELINE_DEPTH = 3;

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

  /**
   * Publishes everything pending, pipelined: while one batch is on its way to Kafka, the next is already
   * claimed and the one before is being marked published, so Postgres and Kafka work at the same time.
   * Sends still go one at a time, in claim order, each once the one before it was acknowledged; after a
   * failure none goes out (a later batch must not overtake a retried one of the same key), and every
   * claim not yet published is released for the next pass.
   */
  private async drain(): Promise<undefined> {
    if (Date.now() - this.lastPrune > PRUNE_EVERY_MS) {
      this.lastPrune = Date.now();
      await this.outbox.prunePublished(this.dataSource, KEEP_PUBLISHED_MS);
    }
    const inFlight: Promise<void>[] = [];
    let sent: Promise<void> = Promise.resolve();
    let failure: { error: unknown } | undefined;
    try {
      for (;;) {
        const claim = await this.outbox.claimPending(this.dataSource, this.batchSize);
        if (claim.rows.length === 0) {
          await claim.release();
          break;
        }
        sent = sent.then(() => this.producer.sendBatch(claim.rows.map((row) => ({ topic: row.topic, message: { key: row.key, value: row.value, headers: row.headers } }))));
        const published = sent.then(
          () => this.markPublished(claim),
          async (error: unknown) => {
            await claim.release();
            throw error;
          },
        );
        // Awaited below; handled now so that a failure before then is not an unhandled rejection.
        published.catch(() => undefined);
        inFlight.push(published);
        if (claim.rows.length < this.batchSize) break;
        if (inFlight.length >= PIPELINE_DEPTH) await inFlight.shift();
      }
    } catch (error) {
      failure = { error };
    }
    for (const result of await Promise.allSettled(inFlight)) if (result.status === 'rejected') failure ??= { error: result.reason };
    if (failure) throw failure.error;
    return undefined;
  }

  private async markPublished(claim: OutboxClaim): Promise<void> {
    try {
      // Kafka holds the events, the outbox does not say so yet: a crash here publishes them again.
      faultPoint('outbox.published');
      await claim.markPublished();
    } catch (error) {
      await claim.release();
      throw error;
    }
    relayed.inc(claim.rows.length);
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
