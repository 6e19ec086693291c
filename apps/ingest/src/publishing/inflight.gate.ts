import { Inject, Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { INFRA, type ServiceInfra } from '@airan/http';
import { metricsRegistry } from '@airan/observability';
import type { IngestConfig } from '../ingest.config';
import { IngestError } from '../ingest.errors';

const inflight = new Gauge({ name: 'airan_ingest_inflight_records', help: 'Records held in memory until Kafka acknowledges or finally refuses them', registers: [metricsRegistry] });

/**
 * Bounds the records held in memory while Kafka has not acknowledged them. Beyond the bound a
 * request is refused at once with 503 and Retry-After, instead of queueing until memory runs out.
 */
@Injectable()
export class InflightGate {
  private held = 0;

  constructor(@Inject(INFRA) private readonly infra: Pick<ServiceInfra<IngestConfig>, 'config'>) {}

  /**
   * Starts `send` holding `records` of the budget until it settles, and returns its promise. The hold
   * outlives a caller that stops waiting (answered 503 at its deadline): kafkajs keeps retrying the
   * abandoned send with its records in memory, so they keep counting against the bound.
   */
  hold<T>(records: number, send: () => Promise<T>): Promise<T> {
    const limit = this.infra.config.INGEST_MAX_INFLIGHT_RECORDS;
    // A single request larger than the bound still goes through when nothing else is held.
    if (this.held > 0 && this.held + records > limit) {
      throw new IngestError('OVERLOADED', `${this.held} records are waiting for Kafka (INGEST_MAX_INFLIGHT_RECORDS=${limit}); retry shortly`, undefined, 1);
    }
    this.change(records);
    const sending = Promise.resolve().then(send);
    const release = () => this.change(-records);
    sending.then(release, release);
    return sending;
  }

  private change(records: number): void {
    this.held += records;
    inflight.set(this.held);
  }
}
