import type { CellWindow } from '../api/types';
import { compareText } from '../ui/order';

export const HEATMAP_METRICS = ['inferenceLoad', 'radioLoad', 'headroom'] as const;
export type HeatmapMetric = (typeof HEATMAP_METRICS)[number];
export const METRIC_TITLES: Readonly<Record<HeatmapMetric, string>> = { inferenceLoad: 'Inference load', radioLoad: 'Radio load', headroom: 'Headroom' };

export interface HeatmapRow {
  readonly cellId: string;
  readonly siteId: string;
  /** One value per column (window start), null where the cell has no window or no value. */
  readonly values: ReadonlyArray<number | null>;
}

export interface Heatmap {
  readonly columns: readonly string[];
  readonly rows: readonly HeatmapRow[];
}

/**
 * Cells × the most recent `maxColumns` window starts, for one metric. Rows by site then cell; where a
 * window was revised, the highest revision counts (history serves the latest, a stream may add newer).
 */
export function buildHeatmap(windows: readonly CellWindow[], metric: HeatmapMetric, maxColumns: number): Heatmap {
  const columns = [...new Set(windows.map((w) => w.windowStart))].sort().slice(-maxColumns);
  const columnIndex = new Map(columns.map((start, i) => [start, i]));
  const rows = new Map<string, { siteId: string; values: Array<number | null>; revisions: number[] }>();
  for (const window of windows) {
    const column = columnIndex.get(window.windowStart);
    if (column === undefined) continue;
    let row = rows.get(window.cellId);
    if (!row) rows.set(window.cellId, (row = { siteId: window.siteId, values: columns.map(() => null), revisions: columns.map(() => -1) }));
    if (window.revision < row.revisions[column]) continue;
    row.revisions[column] = window.revision;
    row.values[column] = window[metric];
  }
  return {
    columns,
    rows: [...rows.entries()].sort(([a, x], [b, y]) => compareText(x.siteId, y.siteId) || compareText(a, b)).map(([cellId, row]) => ({ cellId, siteId: row.siteId, values: row.values })),
  };
}

/**
 * A colour for a value: hot is bad, so headroom's scale runs the other way. `hsl` from green (120°)
 * through amber to red (0°); values outside 0..1 are clamped.
 */
export function heatColour(value: number | null, metric: HeatmapMetric): string {
  if (value === null) return 'var(--no-data)';
  const clamped = Math.min(1, Math.max(0, value));
  const badness = metric === 'headroom' ? 1 - clamped : clamped;
  return `hsl(${Math.round(120 * (1 - badness))} 70% 45%)`;
}
