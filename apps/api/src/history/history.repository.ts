import { Inject, Injectable } from '@nestjs/common';
import { INFRA, type ServiceInfra } from '@airan/http';
import { HistoryError } from './history.errors';
import type { BuiltQuery } from './history.query';
import type { StoredRow } from './history.rows';

/** Postgres' codes for a table or schema that does not exist. */
export const MISSING_RELATION = new Set(['42P01', '3F000']);

/**
 * Runs history SELECTs on the api's pool. They read load's tables (`load.*`, created and indexed by load's
 * migrations; the api and load share one database) and the api's own `api.dead_letters`.
 */
@Injectable()
export class HistoryRepository {
  constructor(@Inject(INFRA) private readonly infra: ServiceInfra) {}

  async select(query: BuiltQuery): Promise<StoredRow[]> {
    try {
      return await this.infra.dataSource.query(query.sql, query.params);
    } catch (error) {
      throw unavailableIfMissing(error);
    }
  }
}

/** A query on load's tables before load ever created them is 503 (retry later), not 500. */
export function unavailableIfMissing(error: unknown): unknown {
  const code = (error as { code?: string }).code;
  return code && MISSING_RELATION.has(code) ? new HistoryError('HISTORY_UNAVAILABLE', 'history is not available yet: the load service has not created its tables in this database', undefined, 30) : error;
}
