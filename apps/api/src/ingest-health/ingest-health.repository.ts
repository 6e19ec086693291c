import { Inject, Injectable } from '@nestjs/common';
import type { FieldError } from '@airan/contracts';
import { INFRA, type ServiceInfra } from '@airan/http';
import type { BuiltQuery } from '../history/history.query';
import { MISSING_RELATION } from '../history/history.repository';
import { IngestHealthError } from './ingest-health.errors';

/** A site's row as the health query returns it: instants as microseconds since the epoch and counts as text (int8). */
export interface StoredSiteHealth {
  readonly siteId: string;
  readonly operatorId: string;
  readonly pilotId: string | null;
  readonly lastSeenAt: string | null;
  readonly lastSampleTs: string | null;
  readonly accepted: string;
  readonly rejected: string;
  readonly recentDeadLetters: ReadonlyArray<{ eventId: string; receivedAt: string; format: string; reason: string; firstError: FieldError | null }>;
}

/**
 * Runs the ingest health query (ingest-health.query.ts) on the api's pool. It reads load's sample tables
 * (`load.*`; the api and load share one database), the api's registry and its dead-letter read model.
 */
@Injectable()
export class IngestHealthRepository {
  constructor(@Inject(INFRA) private readonly infra: ServiceInfra) {}

  /**
   * The query runs in its own transaction with JIT compilation off (as load's per-window lookups do): with
   * thousands of sites its estimate (an index probe per daily partition per silent site) passes
   * jit_above_cost, and compiling its expressions took longer than running it (1.3 s of 2.4 s at 3,000 sites).
   */
  async sites(query: BuiltQuery): Promise<StoredSiteHealth[]> {
    try {
      return await this.infra.dataSource.transaction(async (tx) => {
        await tx.query(`SELECT set_config('jit', 'off', true)`);
        return tx.query(query.sql, query.params);
      });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code && MISSING_RELATION.has(code)) {
        throw new IngestHealthError('INGEST_HEALTH_UNAVAILABLE', 'ingest health is not available yet: the load service has not created its tables in this database', undefined, 30);
      }
      throw error;
    }
  }
}
