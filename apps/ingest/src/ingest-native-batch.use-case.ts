import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { type FieldError, TELEMETRY_DLQ_SCHEMA, TELEMETRY_SCHEMA, type TelemetryDeadLetter, type TelemetryReport } from '@airan/contracts';
import type { Principal } from '@airan/auth';
import { INFRA, type ServiceInfra } from '@airan/http';
import { RegistryCache } from '@airan/kafka';
import { counter } from '@airan/observability';
import { parseNativeRecords } from '@airan/telemetry-formats';
import type { IngestConfig } from './ingest.config';
import { IngestError } from './ingest.errors';
import { screenSites } from './site-access';
import { SiteLivenessRepository } from './site-liveness.repository';
import { TelemetryPublisher } from './telemetry.publisher';

export interface IngestResult {
  readonly accepted: number;
  readonly rejected: number;
  readonly errors: ReadonlyArray<FieldError & { index: number }>;
}

interface Rejection {
  readonly index: number;
  readonly siteId: string | null;
  readonly errors: readonly FieldError[];
  readonly raw: unknown;
}

const records = counter('airan_ingest_records_total', 'Records received, by format and outcome', ['format', 'outcome']);
const recordPath = (index: number) => `$.records[${index}]`;

/** `POST /v1/telemetry`: check site access and each record, publish good ones per site and bad ones to the DLQ, then acknowledge. */
@Injectable()
export class IngestNativeBatchUseCase {
  constructor(
    @Inject(INFRA) private readonly infra: ServiceInfra<IngestConfig>,
    private readonly registry: RegistryCache,
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

    const screen = screenSites(this.registry, principal, list, recordPath);
    if (screen.admitted.length === 0 && screen.refused.every((r) => r.errors[0].code === 'SITE_NOT_OWNED')) {
      // Nothing of this request is the key's to write: refuse it whole, write nothing.
      throw new IngestError('SITE_NOT_OWNED', `key ${principal.keyId} may not write these sites`, screen.refused.map(({ index, errors }) => ({ index, ...errors[0] })));
    }

    const now = Date.now();
    const parsed = parseNativeRecords(
      screen.admitted.map((a) => a.record),
      { now, maxFutureMs: config.INGEST_MAX_FUTURE_MS, maxAgeMs: config.INGEST_MAX_AGE_MS },
    );
    // The parser numbers the admitted records from 0: give its findings their place in the request.
    const rejected: Rejection[] = [
      ...screen.refused,
      ...parsed.rejected.map((r) => {
        const index = screen.admitted[r.index].index;
        return { ...r, index, errors: r.errors.map((e) => ({ ...e, path: recordPath(index) + e.path.slice(recordPath(r.index).length) })) };
      }),
    ].sort((a, b) => a.index - b.index);

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
    const deadLetters: TelemetryDeadLetter[] = rejected.map((r) => ({
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
    records.inc({ format: 'native', outcome: 'rejected' }, rejected.length);

    const errors = rejected.flatMap((r) => r.errors.map((e) => ({ index: r.index, ...e })));
    if (parsed.accepted === 0) throw new IngestError('ALL_RECORDS_REJECTED', 'no record was valid; each is in the dead-letter topic', errors);
    return { accepted: parsed.accepted, rejected: rejected.length, errors };
  }
}
