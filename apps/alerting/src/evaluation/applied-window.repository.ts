import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Observation } from '@airan/rule-engine';
import { type AppliedWindow, type PrecedingWindow, type WindowRevision, windowKey } from './window-revisions';

/** What alerting applied before of a batch's windows (see `lookup`), by windowKey. */
export interface AppliedBefore {
  /** The newest applied revision of each window that has one. */
  readonly revisions: Map<string, number>;
  /** The newest applied window of the same cell that began before each window, when there is one. */
  readonly preceding: Map<string, PrecedingWindow>;
}

/**
 * The newest revision of each cell window that alerting has applied, and what rules compare with the
 * next window (`observed`), written in the consumer's transaction with the alert state and the stored
 * offsets: a cell-load event re-published by load's outbox relay, or an older revision, is recognised
 * and skipped, and a window's `dropPct` compares with its cell's preceding window without any alert
 * instance remembering it.
 */
@Injectable()
export class AppliedWindowRepository {
  /**
   * For each of these windows, its newest applied revision, and, with `withPreceding` (some rule compares a
   * window with its cell's preceding one), the applied window before it: one read along the primary key.
   */
  async lookup(tx: EntityManager, windows: readonly WindowRevision[], withPreceding: boolean): Promise<AppliedBefore> {
    const revisions = new Map<string, number>();
    const preceding = new Map<string, PrecedingWindow>();
    if (windows.length === 0) return { revisions, preceding };
    const distinct = [...new Map(windows.map((w) => [windowKey(w.cellId, w.windowStart), w])).values()];
    // With the window before: one backward descent of the primary key per window finds the window itself, if
    // applied, and the one before it. Without: one equality probe per window.
    const reach = withPreceding ? 'p.window_start <= w.window_start ORDER BY p.window_start DESC LIMIT 2' : 'p.window_start = w.window_start';
    const rows: Array<{ cell_id: string; window_start: Date; found_start: Date; revision: number; observed: Observation }> = await tx.query(
      `SELECT w.cell_id, w.window_start, p.window_start AS found_start, p.revision, p.observed
       FROM unnest($1::text[], $2::timestamptz[]) AS w(cell_id, window_start)
       CROSS JOIN LATERAL (SELECT p.window_start, p.revision, p.observed FROM alerting.applied_windows p WHERE p.cell_id = w.cell_id AND ${reach}) p`,
      [distinct.map((w) => w.cellId), distinct.map((w) => w.windowStart)],
    );
    for (const r of rows) {
      const key = windowKey(r.cell_id, r.window_start);
      const at = r.found_start.getTime();
      if (at === r.window_start.getTime()) revisions.set(key, r.revision);
      // Without the window itself, the second row is the one before the preceding window.
      else if (at > (preceding.get(key)?.start ?? -Infinity)) preceding.set(key, { start: at, observed: r.observed });
    }
    return { revisions, preceding };
  }

  /** Records these windows as applied; a stored revision, and what was observed with it, is only ever replaced by a newer one. */
  async record(tx: EntityManager, windows: readonly AppliedWindow[]): Promise<void> {
    if (windows.length === 0) return;
    const newest = new Map<string, AppliedWindow>();
    for (const w of windows) {
      const key = windowKey(w.cellId, w.windowStart);
      if ((newest.get(key)?.revision ?? -1) < w.revision) newest.set(key, w);
    }
    // In key order, so concurrent transactions (a rebalance moving a partition) take row locks in one order.
    const rows = [...newest.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, w]) => w);
    await tx.query(
      `INSERT INTO alerting.applied_windows (cell_id, window_start, revision, observed)
       SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::int[], $4::jsonb[])
       ON CONFLICT (cell_id, window_start) DO UPDATE SET
         observed = CASE WHEN EXCLUDED.revision > applied_windows.revision THEN EXCLUDED.observed ELSE applied_windows.observed END,
         revision = greatest(applied_windows.revision, EXCLUDED.revision)`,
      [rows.map((w) => w.cellId), rows.map((w) => w.windowStart), rows.map((w) => w.revision), rows.map((w) => JSON.stringify(w.observed))],
    );
  }

  /**
   * Forgets windows more than `keepMs` of event time older than the newest one: a re-published event
   * arrives right after load restarts, long before that, and older evidence cannot move an alert anyway.
   */
  async prune(tx: EntityManager, keepMs: number): Promise<void> {
    await tx.query(
      `DELETE FROM alerting.applied_windows
       WHERE window_start < (SELECT max(window_start) FROM alerting.applied_windows) - $1 * interval '1 millisecond'`,
      [keepMs],
    );
  }
}
