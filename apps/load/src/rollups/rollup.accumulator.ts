import type { RollupSums } from '@airan/load-model';

export type RollupScope = 'site' | 'pilot' | 'operator';

/** One row of `load.rollup_windows` to add: sums in whole GPU-µs, as stored. */
export interface RollupRow {
  readonly scope: RollupScope;
  readonly scopeId: string;
  /** The operator the site, pilot or operator belongs to (for its event). */
  readonly operatorId: string;
  readonly start: number;
  cells: number;
  aiGpuUs: number;
  capacityGpuUs: number;
  radioGpuUs: number;
  requests: number;
  tokens: number;
}

/** GPU-ms as whole GPU-microseconds (see load.rollup_windows). Each delta rounds the same way every run. */
const toMicros = (ms: number) => Math.round(ms * 1000);

/**
 * Rollup deltas of a batch, summed per row before they are written. A batch names a row many times
 * (every cell of a site, every site of an operator); each delta is rounded to whole GPU-µs on its own
 * and integer sums do not depend on the order they are added in, so summing here, in SQL or row by
 * row gives the same figures. The rows are written once, at the end of the batch's transaction: the
 * operator and pilot rows are shared by every partition, and a row lock taken late is held briefly.
 */
export class RollupAccumulator {
  private readonly byRow = new Map<string, RollupRow>();

  get size(): number {
    return this.byRow.size;
  }

  add(scope: RollupScope, scopeId: string, operatorId: string, start: number, sums: RollupSums): void {
    const k = `${scope}\u0000${scopeId}\u0000${start}`;
    let row = this.byRow.get(k);
    if (!row) this.byRow.set(k, (row = { scope, scopeId, operatorId, start, cells: 0, aiGpuUs: 0, capacityGpuUs: 0, radioGpuUs: 0, requests: 0, tokens: 0 }));
    row.cells += sums.cells;
    row.aiGpuUs += toMicros(sums.aiGpuMs);
    row.capacityGpuUs += toMicros(sums.capacityGpuMs);
    row.radioGpuUs += toMicros(sums.radioGpuMs);
    row.requests += sums.requests;
    row.tokens += sums.tokens;
  }

  rows(): RollupRow[] {
    return [...this.byRow.values()];
  }
}
