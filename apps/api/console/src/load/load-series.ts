import { historyRows } from '../api/api-client';
import type { CellWindow, RollupWindow } from '../api/types';
import { rollupLoad } from '../../../../../libs/load-model/src/rollup';

/** What the chart follows: one cell, or a site's, pilot's or operator's rollup (`chart=site:kt-seoul-1`). */
export type ChartScope = { readonly kind: 'cell' | 'site' | 'pilot' | 'operator'; readonly id: string };

export function parseChartScope(text: string | undefined): ChartScope | undefined {
  const match = /^(cell|site|pilot|operator):(.+)$/.exec(text ?? '');
  return match ? { kind: match[1] as ChartScope['kind'], id: match[2] } : undefined;
}

export interface LoadSeries {
  readonly times: number[];
  readonly inference: Array<number | null>;
  readonly radio: Array<number | null>;
  readonly headroom: Array<number | null>;
}

const seconds = (iso: string) => Date.parse(iso) / 1000;

/** The last hour of a scope's load: a cell's windows, or the rollups (GPU time over capacity, as load computes them). */
export async function loadSeries(scope: ChartScope, fromIso: string, signal: AbortSignal): Promise<LoadSeries> {
  if (scope.kind === 'cell') {
    const windows = await historyRows<CellWindow>('cell-load', { cell: scope.id, from: fromIso }, 5000, signal);
    return { times: windows.map((w) => seconds(w.windowStart)), inference: windows.map((w) => w.inferenceLoad), radio: windows.map((w) => w.radioLoad), headroom: windows.map((w) => w.headroom) };
  }
  const rollups = await historyRows<RollupWindow>('rollups', { scope: scope.kind, id: scope.id, from: fromIso }, 5000, signal);
  const loads = rollups.map((r) => rollupLoad({ cells: r.cells, aiGpuMs: Number(r.aiGpuUs) / 1000, capacityGpuMs: Number(r.capacityGpuUs) / 1000, radioGpuMs: Number(r.radioGpuUs) / 1000, requests: 0, tokens: 0 }));
  return {
    times: rollups.map((r) => seconds(r.windowStart)),
    inference: loads.map((l) => l.inferenceLoad),
    radio: loads.map((l) => l.radioLoad),
    headroom: loads.map((l) => (l.inferenceLoad === null || l.radioLoad === null ? null : 1 - l.inferenceLoad - l.radioLoad)),
  };
}
