import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { TelemetryDeadLetter, TelemetryReport } from '@airan/contracts';
import { INFRA, type ServiceInfra } from '@airan/http';
import { DurableProducer } from '@airan/kafka';
import type { IngestConfig } from './ingest.config';
import { IngestError } from './ingest.errors';

/** Writes normalised reports and dead letters to Kafka; resolves only once Kafka holds them. */
@Injectable()
export class TelemetryPublisher implements OnModuleInit, OnModuleDestroy {
  private readonly producer: DurableProducer;

  constructor(@Inject(INFRA) private readonly infra: ServiceInfra<IngestConfig>) {
    this.producer = new DurableProducer(infra.kafka);
  }

  onModuleInit(): Promise<void> {
    return this.producer.connect();
  }

  onModuleDestroy(): Promise<void> {
    return this.producer.disconnect();
  }

  async publish(reports: readonly TelemetryReport[], deadLetters: readonly TelemetryDeadLetter[]): Promise<void> {
    const { topics, config } = this.infra;
    const items = [
      ...reports.map((r) => ({ topic: topics.telemetry, message: { key: r.siteId, value: r } })),
      ...deadLetters.map((d) => ({ topic: topics.telemetryDlq, message: { key: d.siteId ?? 'unknown', value: d } })),
    ];
    const timeoutMs = config.INGEST_KAFKA_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no acknowledgement within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.producer.sendBatch(items, timeoutMs), deadline]);
    } catch (error) {
      // Nothing was acknowledged to the client: it retries, and sample identity de-duplicates downstream.
      throw new IngestError('KAFKA_UNAVAILABLE', `Kafka did not acknowledge the batch: ${(error as Error).message}`, undefined, 5);
    } finally {
      clearTimeout(timer);
    }
  }
}
