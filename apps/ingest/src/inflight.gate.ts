import { Inject, Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { INFRA, type ServiceInfra } from '@airan/http';
import { metricsRegistry } from '@airan/observability';
import type { IngestConfig } from './ingest.config';
import { IngestError } from './ingest.errors';

const inflight = new Gauge({ name: 'airan_ingest_inflight_records', help: 'Records waiting for Kafka acknowledgement', registers: [metricsRegistry] });

/**
 * Bounds the records held in memory while Kafka has not acknowledged them. Beyond the bound a
 * request is refused at once with 503 and Retry-After, instead of queueing until memory runs out.
 */
@Injectable()
export class InflightGate {
  private held = 0;

  constructor(@Inject(INFRA) private readonly infra: ServiceInfra<IngestConfig>) {}

  async run<T>(records: number, work: () => Promise<T>): Promise<T> {
    const limit = this.infra.config.INGEST_MAX_INFLIGHT_RECORDS;
    // A single request larger than the bound still goes through when nothing else is held.
    if (this.held > 0 && this.held + records > limit) {
      throw new IngestError('OVERLOADED', `${this.held} records are waiting for Kafka (INGEST_MAX_INFLIGHT_RECORDS=${limit}); retry shortly`, undefined, 1);
    }
    this.held += records;
    inflight.set(this.held);
    try {
      return await work();
    } finally {
      this.held -= records;
      inflight.set(this.held);
    }
  }
}
