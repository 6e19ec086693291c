import { Inject, Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { INFRA, type ServiceInfra } from '@airan/http';
import { metricsRegistry } from '@airan/observability';
import type { IngestConfig } from '../ingest.config';
import { IngestError } from '../ingest.errors';
import { type InflightVerdict, admitInflight } from './inflight-share.policy';

const inflight = new Gauge({ name: 'airan_ingest_inflight_records', help: 'Records held in memory until Kafka acknowledges or finally refuses them', registers: [metricsRegistry] });

/**
 * Bounds the records held in memory while Kafka has not acknowledged them, shared fairly between
 * operators (see admitInflight). A request that does not fit is refused at once with 503 and
 * Retry-After, instead of queueing until memory runs out or one operator starves the others.
 */
@Injectable()
export class InflightGate {
  private readonly holdings = new Map<string, number>();
  private held = 0;

  constructor(@Inject(INFRA) private readonly infra: Pick<ServiceInfra<IngestConfig>, 'config'>) {}

  /**
   * Starts `send` holding `records` of the budget for `operator` until it settles, and returns its
   * promise. The hold outlives a caller that stops waiting (answered 503 at its deadline): kafkajs
   * keeps retrying the abandoned send with its records in memory, so they keep counting.
   */
  hold<T>(operator: string, records: number, send: () => Promise<T>): Promise<T> {
    const limit = this.infra.config.INGEST_MAX_INFLIGHT_RECORDS;
    const verdict = admitInflight(this.holdings, operator, records, limit);
    if (!verdict.admitted) throw refusal(verdict, operator, limit);
    this.change(operator, records);
    const sending = Promise.resolve().then(send);
    const release = () => this.change(operator, -records);
    sending.then(release, release);
    return sending;
  }

  private change(operator: string, records: number): void {
    const mine = (this.holdings.get(operator) ?? 0) + records;
    if (mine === 0) this.holdings.delete(operator);
    else this.holdings.set(operator, mine);
    this.held += records;
    inflight.set(this.held);
  }
}

function refusal(verdict: Exclude<InflightVerdict, { admitted: true }>, operator: string, limit: number): IngestError {
  if (verdict.reason === 'OVERLOADED') {
    return new IngestError('OVERLOADED', `${verdict.held} records are waiting for Kafka (INGEST_MAX_INFLIGHT_RECORDS=${limit}); retry shortly`, undefined, 1);
  }
  const message = `operator ${operator} has ${verdict.held} records waiting for Kafka, its fair share of INGEST_MAX_INFLIGHT_RECORDS=${limit} while other operators send is ${verdict.share}; retry shortly`;
  return new IngestError('FAIR_SHARE_EXCEEDED', message, undefined, 1);
}
