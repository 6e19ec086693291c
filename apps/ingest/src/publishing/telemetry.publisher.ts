import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { TelemetryDeadLetter, TelemetryReport } from '@airan/contracts';
import { INFRA, type ServiceInfra } from '@airan/http';
import { DurableProducer } from '@airan/kafka';
import type { IngestConfig } from '../ingest.config';
import { IngestError } from '../ingest.errors';
import { InflightGate } from './inflight.gate';

/** Writes normalised reports and dead letters to Kafka; resolves only once Kafka holds them. */
@Injectable()
export class TelemetryPublisher implements OnModuleInit, OnModuleDestroy {
  private readonly producer: DurableProducer;

  constructor(
    @Inject(INFRA) private readonly infra: ServiceInfra<IngestConfig>,
    private readonly gate: InflightGate,
  ) {
    this.producer = new DurableProducer(infra.kafka);
  }

  onModuleInit(): Promise<void> {
    return this.producer.connect();
  }

  onModuleDestroy(): Promise<void> {
    return this.producer.disconnect();
  }

  /** `records`: how many input records the messages carry, the unit of INGEST_MAX_INFLIGHT_RECORDS. */
  async publish(reports: readonly TelemetryReport[], deadLetters: readonly TelemetryDeadLetter[], records: number): Promise<void> {
    const { topics, config } = this.infra;
    const items = [
      ...reports.map((r) => ({ topic: topics.telemetry, message: { key: r.siteId, value: r } })),
      ...deadLetters.map((d) => ({ topic: topics.telemetryDlq, message: { key: d.siteId ?? 'unknown', value: d } })),
    ];
    if (items.length === 0) return;
    const timeoutMs = config.INGEST_KAFKA_TIMEOUT_MS;
    // Outside the try: a full budget is OVERLOADED, not a Kafka failure.
    const sending = this.gate.hold(records, () => this.producer.sendBatch(items, timeoutMs));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no acknowledgement within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([sending, deadline]);
    } catch (error) {
      // Nothing was acknowledged to the client: it retries, and sample identity de-duplicates downstream.
      throw new IngestError('KAFKA_UNAVAILABLE', `Kafka did not acknowledge the batch: ${(error as Error).message}`, undefined, 5);
    } finally {
      clearTimeout(timer);
    }
  }
}
