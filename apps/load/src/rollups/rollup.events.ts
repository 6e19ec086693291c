import { ROLLUP_SCHEMA, type RollupWindow, stableEventId } from '@airan/contracts';
import { rollupLoad } from '@airan/load-model';
import type { StoredRollup } from './rollup.repository';

/**
 * The `airan.rollups.v1` event of a rollup row after a change. Its id follows from the row and its version,
 * so a batch replayed after a crash writes the same ids (the outbox keeps one of each).
 */
export function rollupEvent(row: StoredRollup): RollupWindow {
  // Stored in whole GPU-µs; the event speaks GPU-ms like every other airan event.
  const sums = { cells: row.cells, aiGpuMs: row.aiGpuUs / 1000, capacityGpuMs: row.capacityGpuUs / 1000, radioGpuMs: row.radioGpuUs / 1000, requests: row.requests, tokens: row.tokens };
  return {
    schema: ROLLUP_SCHEMA,
    id: stableEventId('rollup', row.scope, row.scopeId, row.start, row.version),
    scope: row.scope,
    scopeId: row.scopeId,
    operatorId: row.operatorId,
    windowStart: new Date(row.start).toISOString(),
    version: row.version,
    ...sums,
    ...rollupLoad(sums),
  };
}
