import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@airan/auth';
import { INFRA, type ServiceInfra } from '@airan/http';
import { RegistryCache } from '@airan/kafka';
import { Clock } from '@airan/system';
import { parseNativeRecords } from '@airan/telemetry-formats';
import { refuseForeignSites, siteAdmission } from '../access/site-access.policy';
import { nativeSiteClaims } from '../access/site.claims';
import { type IngestConfig, timeBounds } from '../ingest.config';
import { IngestError } from '../ingest.errors';
import { type PublishOutcome, PublishTelemetryUseCase } from '../publishing/publish-telemetry.use-case';

/** `POST /v1/telemetry`: native JSON batches. */
@Injectable()
export class IngestNativeBatchUseCase {
  constructor(
    @Inject(INFRA) private readonly infra: ServiceInfra<IngestConfig>,
    private readonly registry: RegistryCache,
    private readonly publish: PublishTelemetryUseCase,
    private readonly clock: Clock,
  ) {}

  async execute(principal: Principal, body: unknown): Promise<PublishOutcome> {
    const { config } = this.infra;
    const list = (body as { records?: unknown })?.records;
    if (typeof body !== 'object' || body === null || Array.isArray(body) || !Array.isArray(list)) {
      throw new IngestError('INVALID_BATCH', 'body must be an object with a "records" array', [{ path: '$.records', code: 'MISSING_FIELD', message: 'records array is required' }]);
    }
    if (list.length === 0) throw new IngestError('INVALID_BATCH', 'records must not be empty', [{ path: '$.records', code: 'OUT_OF_RANGE', message: 'at least one record' }]);
    if (list.length > config.INGEST_MAX_RECORDS) {
      throw new IngestError('TOO_MANY_RECORDS', `a batch holds at most ${config.INGEST_MAX_RECORDS} records (INGEST_MAX_RECORDS), got ${list.length}`);
    }
    // Ownership first: which sites the batch names decides 403, whatever else is wrong with its records.
    refuseForeignSites(nativeSiteClaims(list), this.registry, principal);
    const now = this.clock.now();
    const parsed = parseNativeRecords(list, timeBounds(config, now), siteAdmission(this.registry, principal));
    const outcome = await this.publish.execute(principal, 'native', { ...parsed, locateCell: nativeCellLocator(list) }, now);
    if (outcome.accepted === 0) throw new IngestError('ALL_RECORDS_REJECTED', 'no record was valid; each is in the dead-letter topic', outcome.errors);
    return outcome;
  }
}

/** A native cell record by (siteId, cellId, ts): one record is one sample. */
function nativeCellLocator(list: readonly unknown[]): (siteId: string, cellId: string, ts: number) => { index: number; raw: unknown } | undefined {
  let byKey: Map<string, number> | undefined;
  return (siteId, cellId, ts) => {
    byKey ??= new Map(
      list.flatMap((raw, index) => {
        const r = raw as { type?: unknown; siteId?: unknown; cellId?: unknown; ts?: unknown };
        return r?.type === 'cell' && typeof r.ts === 'string' ? [[`${String(r.siteId)}\u0000${String(r.cellId)}\u0000${Date.parse(r.ts)}`, index] as const] : [];
      }),
    );
    const index = byKey.get(`${siteId}\u0000${cellId}\u0000${ts}`);
    return index === undefined ? undefined : { index, raw: list[index] };
  };
}
