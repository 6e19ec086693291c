import type { CellSample, GpuSample } from '@airan/contracts';

/** Accepted samples of one site, ready to become one `airan.telemetry.v1` report. */
export interface SiteBatch {
  readonly siteId: string;
  readonly cells: CellSample[];
  readonly gpus: GpuSample[];
  readonly heartbeats: number[];
}

export function groupBySite(batches: Map<string, SiteBatch>, siteId: string): SiteBatch {
  let batch = batches.get(siteId);
  if (!batch) {
    batch = { siteId, cells: [], gpus: [], heartbeats: [] };
    batches.set(siteId, batch);
  }
  return batch;
}
