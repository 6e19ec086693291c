import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { at, ms } from '../load.sql';
import { numbers, texts } from '../pg-arrays';
import type { RollupAccumulator, RollupScope } from './rollup.accumulator';

/** A rollup row's totals after a batch moved it, and its version (1 when the batch created it). */
export interface StoredRollup {
  readonly scope: RollupScope;
  readonly scopeId: string;
  readonly operatorId: string;
  readonly start: number;
  readonly cells: number;
  readonly aiGpuUs: number;
  readonly capacityGpuUs: number;
  readonly radioGpuUs: number;
  readonly requests: number;
  readonly tokens: number;
  readonly version: number;
}

/** Site, pilot and operator sums per window (`load.rollup_windows`), inside the consumer's transaction. */
@Injectable()
export class RollupRepository {
  /**
   * Adds summed deltas to rollup rows (one per scope and window); additive, so revisions and several
   * instances compose. Rows shared across partitions (pilot, operator) are locked in one order by every
   * transaction: no deadlocks. Returns each row's totals after the change, with its version, which rises
   * with every change (in this transaction, so a replayed batch gives the same versions).
   */
  async addToRollups(tx: EntityManager, rollups: RollupAccumulator): Promise<StoredRollup[]> {
    if (rollups.size === 0) return [];
    const rows = rollups.rows();
    const stored: Array<{ scope: RollupScope; scope_id: string; start: number; cells: number; ai: string; cap: string; radio: string; req: string; tok: string; version: number }> = await tx.query(
      `INSERT INTO load.rollup_windows (scope, scope_id, window_start, cells, ai_gpu_us, capacity_gpu_us, radio_gpu_us, requests, tokens, version)
       SELECT scope, scope_id, ${at('ws')}, c, ai, cap, radio, req, tok, 1
       FROM unnest($1::text[], $2::text[], $3::float8[], $4::int[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[])
         AS d(scope, scope_id, ws, c, ai, cap, radio, req, tok)
       ORDER BY scope, scope_id, ws
       ON CONFLICT (scope, scope_id, window_start) DO UPDATE SET
         cells = rollup_windows.cells + EXCLUDED.cells, ai_gpu_us = rollup_windows.ai_gpu_us + EXCLUDED.ai_gpu_us,
         capacity_gpu_us = rollup_windows.capacity_gpu_us + EXCLUDED.capacity_gpu_us, radio_gpu_us = rollup_windows.radio_gpu_us + EXCLUDED.radio_gpu_us,
         requests = rollup_windows.requests + EXCLUDED.requests, tokens = rollup_windows.tokens + EXCLUDED.tokens, updated_at = now(),
         version = rollup_windows.version + 1
       RETURNING scope, scope_id, ${ms('window_start')} AS start, cells, ai_gpu_us AS ai, capacity_gpu_us AS cap, radio_gpu_us AS radio,
         requests AS req, tokens AS tok, version`,
      [
        texts(rows.map((r) => r.scope)),
        texts(rows.map((r) => r.scopeId)),
        numbers(rows.map((r) => r.start)),
        numbers(rows.map((r) => r.cells)),
        numbers(rows.map((r) => r.aiGpuUs)),
        numbers(rows.map((r) => r.capacityGpuUs)),
        numbers(rows.map((r) => r.radioGpuUs)),
        numbers(rows.map((r) => r.requests)),
        numbers(rows.map((r) => r.tokens)),
      ],
    );
    const operatorOf = new Map(rows.map((r) => [`${r.scope}\u0000${r.scopeId}`, r.operatorId]));
    return stored.map((r) => ({
      scope: r.scope,
      scopeId: r.scope_id,
      operatorId: operatorOf.get(`${r.scope}\u0000${r.scope_id}`)!,
      start: r.start,
      cells: r.cells,
      aiGpuUs: Number(r.ai),
      capacityGpuUs: Number(r.cap),
      radioGpuUs: Number(r.radio),
      requests: Number(r.req),
      tokens: Number(r.tok),
      version: r.version,
    }));
  }
}
