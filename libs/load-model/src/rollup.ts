/**
 * What a cell window adds to its site, pilot and operator rollups. Sums only, so rollups are
 * capacity-weighted (a cell with twice the allocation weighs twice) and can be updated by deltas when
 * a window is revised.
 */
export interface RollupSums {
  readonly cells: number;
  readonly aiGpuMs: number;
  readonly capacityGpuMs: number;
  readonly radioGpuMs: number;
  readonly requests: number;
  readonly tokens: number;
}

export const ZERO_SUMS: RollupSums = { cells: 0, aiGpuMs: 0, capacityGpuMs: 0, radioGpuMs: 0, requests: 0, tokens: 0 };

export function subtractSums(a: RollupSums, b: RollupSums): RollupSums {
  return { cells: a.cells - b.cells, aiGpuMs: a.aiGpuMs - b.aiGpuMs, capacityGpuMs: a.capacityGpuMs - b.capacityGpuMs, radioGpuMs: a.radioGpuMs - b.radioGpuMs, requests: a.requests - b.requests, tokens: a.tokens - b.tokens };
}

/** Inference and radio load of a rollup: total GPU time over total allocated capacity. */
export function rollupLoad(sums: RollupSums): { inferenceLoad: number | null; radioLoad: number | null } {
  return sums.capacityGpuMs > 0 ? { inferenceLoad: sums.aiGpuMs / sums.capacityGpuMs, radioLoad: sums.radioGpuMs / sums.capacityGpuMs } : { inferenceLoad: null, radioLoad: null };
}
