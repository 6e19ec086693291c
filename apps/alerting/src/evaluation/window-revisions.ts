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
