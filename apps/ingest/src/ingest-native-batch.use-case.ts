import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { TELEMETRY_DLQ_SCHEMA, TELEMETRY_SCHEMA, type TelemetryDeadLetter, type TelemetryReport } from '@airan/contracts';
import type { Principal } from '@airan/auth';
import { INFRA, type ServiceInfra } from '@airan/http';
import { counter } from '@airan/observability';
import { type RecordError, parseNativeRecords } from '@airan/telemetry-formats';
import type { IngestConfig } from './ingest.config';
import { IngestError } from './ingest.errors';
import { SiteLivenessRepository } from './site-liveness.repository';
import { TelemetryPublisher } from './telemetry.publisher';

export interface IngestResult {
  readonly accepted: number;
  readonly rejected: number;
  readonly errors: ReadonlyArray<RecordError & { index: number }>;
}

const records = counter('airan_ingest_records_total', 'Records received, by format and outcome', ['format', 'outcome']);

/** `POST /v1/telemetry`: validate each record, publish good ones per site and bad ones to the DLQ, then acknowledge. */
@Injectable()
export class IngestNativeBatchUseCase {
  constructor(
    @Inject(INFRA) private readonly infra: ServiceInfra<IngestConfig>,
    private readonly publisher: TelemetryPublisher,
    private readonly liveness: SiteLivenessRepository,
  ) {}

  async execute(principal: Principal, body: unknown): Promise<IngestResult> {
    const { config } = this.infra;
    const list = (body as { records?: unknown })?.records;
    if (typeof body !== 'object' || body === null || Array.isArray(body) || !Array.isArray(list)) {
      throw new IngestError('INVALID_BATCH', 'body must be an object with a "records" array', [{ path: '$.records', code: 'MISSING_FIELD', message: 'records array is required' }]);
    }
    if (list.length === 0) throw new IngestError('INVALID_BATCH', 'records must not be empty', [{ path: '$.records', code: 'OUT_OF_RANGE', message: 'at least one record' }]);
    if (list.length > config.INGEST_MAX_RECORDS) {
      throw new IngestError('TOO_MANY_RECORDS', `a batch holds at most ${config.INGEST_MAX_RECORDS} records (INGEST_MAX_RECORDS), got ${list.length}`);
    }

    const now = Date.now();
    const parsed = parseNativeRecords(list, { now, maxFutureMs: config.INGEST_MAX_FUTURE_MS, maxAgeMs: config.INGEST_MAX_AGE_MS });
    const reports: TelemetryReport[] = parsed.sites.map((site) => ({
      schema: TELEMETRY_SCHEMA,
      id: randomUUID(),
      operatorId: principal.subject,
      siteId: site.siteId,
      keyId: principal.keyId,
      receivedAt: now,
      cells: site.cells,
      gpus: site.gpus,
      heartbeats: site.heartbeats,
    }));
    const deadLetters: TelemetryDeadLetter[] = parsed.rejected.map((r) => ({
      schema: TELEMETRY_DLQ_SCHEMA,
      id: randomUUID(),
      reason: r.errors[0].code,
      errors: r.errors,
      format: 'native',
      keyId: principal.keyId,
      operatorId: principal.subject,
      siteId: r.siteId,
      receivedAt: now,
      raw: r.raw,
    }));

    await this.publisher.publish(reports, deadLetters);
    await this.liveness.touch(principal.subject, principal.keyId, reports.map((r) => r.siteId), new Date(now));
    records.inc({ format: 'native', outcome: 'accepted' }, parsed.accepted);
    records.inc({ format: 'native', outcome: 'rejected' }, parsed.rejected.length);

    const errors = parsed.rejected.flatMap((r) => r.errors.map((e) => ({ index: r.index, ...e })));
    if (parsed.accepted === 0) throw new IngestError('ALL_RECORDS_REJECTED', 'no record was valid; each is in the dead-letter topic', errors);
    return { accepted: parsed.accepted, rejected: parsed.rejected.length, errors };
  }
}
