import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { at } from '../load.sql';
import { numbers, texts } from '../pg-arrays';
import type { RollupAccumulator } from './rollup.accumulator';

/** Site, pilot and operator sums per window (`load.rollup_windows`), inside the consumer's transaction. */
@Injectable()
export class RollupRepository {
  /**
   * Adds summed deltas to rollup rows (one per scope and window); additive, so revisions and several
   * instances compose. Rows shared across partitions (pilot, operator) are locked in one order by every
   * transaction: no deadlocks.
   */
  async addToRollups(tx: EntityManager, rollups: RollupAccumulator): Promise<void> {
    if (rollups.size === 0) return;
    const rows = rollups.rows();
    await tx.query(
      `INSERT INTO load.rollup_windows (scope, scope_id, window_start, cells, ai_gpu_us, capacity_gpu_us, radio_gpu_us, requests, tokens)
       SELECT scope, scope_id, ${at('ws')}, c, ai, cap, radio, req, tok
       FROM unnest($1::text[], $2::text[], $3::float8[], $4::int[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[])
         AS d(scope, scope_id, ws, c, ai, cap, radio, req, tok)
       ORDER BY scope, scope_id, ws
       ON CONFLICT (scope, scope_id, window_start) DO UPDATE SET
         cells = rollup_windows.cells + EXCLUDED.cells, ai_gpu_us = rollup_windows.ai_gpu_us + EXCLUDED.ai_gpu_us,
         capacity_gpu_us = rollup_windows.capacity_gpu_us + EXCLUDED.capacity_gpu_us, radio_gpu_us = rollup_windows.radio_gpu_us + EXCLUDED.radio_gpu_us,
         requests = rollup_windows.requests + EXCLUDED.requests, tokens = rollup_windows.tokens + EXCLUDED.tokens, updated_at = now()`,
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
  }
}
