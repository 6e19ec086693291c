import type { Observation } from '@airan/rule-engine';

/** What identifies a cell-load event for alerting: the cell, the window, and which revision of it. */
export interface WindowRevision {
  readonly cellId: string;
  readonly windowStart: string;
  readonly revision: number;
}

/** The cell window a revision belongs to, as a map key. */
export const windowKey = (cellId: string, windowStart: string | Date): string => `${cellId}@${new Date(windowStart).getTime()}`;

/**
 * The items (in offset order) whose window revision is newer than every revision of that window applied
 * before, in `applied` or earlier in the list. A re-published event (load's outbox relay is at least
 * once) and an older revision arriving after a newer one are left out.
 */
export function newerRevisions<T>(items: readonly T[], applied: ReadonlyMap<string, number>, revisionOf: (item: T) => WindowRevision): T[] {
  const newest = new Map(applied);
  return items.filter((item) => {
    const { cellId, windowStart, revision } = revisionOf(item);
    const key = windowKey(cellId, windowStart);
    const before = newest.get(key);
    if (before !== undefined && revision <= before) return false;
    newest.set(key, revision);
    return true;
  });
}

/** A window revision as applied, with what rules compare with the cell's next window. */
export interface AppliedWindow extends WindowRevision {
  readonly observed: Observation;
}

/** An applied window that began before another of its cell. */
export interface PrecedingWindow {
  readonly start: number;
  readonly observed: Observation;
}

/**
 * The observation each window of `windows` (fresh revisions, in offset order) is compared with: the newest
 * applied window of its cell that began before it, whether Postgres had it (`stored`, by windowKey) or it
 * came earlier in `windows`; `{}` when there is none. A window applied in the batch is newer than what
 * Postgres held for the same start.
 */
export function precedingObservations(windows: readonly AppliedWindow[], stored: ReadonlyMap<string, PrecedingWindow>): Observation[] {
  // Each cell's windows applied so far in the batch, by start: a newer revision replaces the older one.
  const applied = new Map<string, Map<number, Observation>>();
  return windows.map((w) => {
    const start = new Date(w.windowStart).getTime();
    let best = stored.get(windowKey(w.cellId, w.windowStart));
    const ofCell = applied.get(w.cellId) ?? new Map<number, Observation>();
    for (const [candidate, observed] of ofCell) if (candidate < start && (best === undefined || candidate >= best.start)) best = { start: candidate, observed };
    applied.set(w.cellId, ofCell.set(start, w.observed));
    return best?.observed ?? {};
  });
}
