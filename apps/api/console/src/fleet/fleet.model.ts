import type { Site } from '../api/registry';
import type { AlertEvent, CellWindow } from '../api/types';

export type LoadLevel = 'unknown' | 'ok' | 'warm' | 'hot';

/** Inference load bands: above 0.85 the radio stack's GPU share is squeezed, above 0.6 it is worth watching. */
export const LOAD_BANDS = { warm: 0.6, hot: 0.85 } as const;

export function loadLevel(load: number | null | undefined): LoadLevel {
  if (load === null || load === undefined) return 'unknown';
  return load >= LOAD_BANDS.hot ? 'hot' : load >= LOAD_BANDS.warm ? 'warm' : 'ok';
}

export interface SiteStatus {
  readonly site: Site;
  /** The highest inference load among the latest window of each of the site's cells. */
  readonly worstLoad: number | null;
  readonly worstCell: string | null;
  readonly cells: number;
  readonly firing: number;
  readonly pending: number;
}

/** Each site's worst cell (latest window per cell) and its active alerts (by the `site` label). */
export function siteStatuses(sites: readonly Site[], windows: readonly CellWindow[], alerts: readonly AlertEvent[]): SiteStatus[] {
  const latest = new Map<string, CellWindow>();
  for (const window of windows) {
    const seen = latest.get(window.cellId);
    if (!seen || window.windowStart > seen.windowStart) latest.set(window.cellId, window);
  }
  const worst = new Map<string, { load: number | null; cell: string | null; cells: number }>();
  for (const window of latest.values()) {
    const entry = worst.get(window.siteId) ?? { load: null, cell: null, cells: 0 };
    entry.cells += 1;
    if (window.inferenceLoad !== null && (entry.load === null || window.inferenceLoad > entry.load)) {
      entry.load = window.inferenceLoad;
      entry.cell = window.cellId;
    }
    worst.set(window.siteId, entry);
  }
  const firing = new Map<string, { firing: number; pending: number }>();
  for (const alert of alerts) {
    const site = alert.labels.site;
    if (!site || (alert.status !== 'firing' && alert.status !== 'pending' && alert.status !== 'nodata')) continue;
    const entry = firing.get(site) ?? { firing: 0, pending: 0 };
    if (alert.status === 'pending') entry.pending += 1;
    else entry.firing += 1;
    firing.set(site, entry);
  }
  return sites.map((site) => ({
    site,
    worstLoad: worst.get(site.id)?.load ?? null,
    worstCell: worst.get(site.id)?.cell ?? null,
    cells: worst.get(site.id)?.cells ?? 0,
    firing: firing.get(site.id)?.firing ?? 0,
    pending: firing.get(site.id)?.pending ?? 0,
  }));
}
