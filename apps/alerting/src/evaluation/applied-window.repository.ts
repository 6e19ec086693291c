import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type WindowRevision, windowKey } from './window-revisions';

/**
 * The newest revision of each cell window that alerting has applied, written in the consumer's
 * transaction with the alert state and the stored offsets: a cell-load event re-published by load's
 * outbox relay, or an older revision, is recognised and skipped.
 */
@Injectable()
export class AppliedWindowRepository {
  /** The newest applied revision of each of these windows that has one, by windowKey. */
  async newest(tx: EntityManager, windows: readonly WindowRevision[]): Promise<Map<string, number>> {
    if (windows.length === 0) return new Map();
    const rows: Array<{ cell_id: string; window_start: Date; revision: number }> = await tx.query(
      `SELECT a.cell_id, a.window_start, a.revision FROM alerting.applied_windows a
       JOIN unnest($1::text[], $2::timestamptz[]) AS w(cell_id, window_start) USING (cell_id, window_start)`,
      [windows.map((w) => w.cellId), windows.map((w) => w.windowStart)],
    );
    return new Map(rows.map((r) => [windowKey(r.cell_id, r.window_start), r.revision]));
  }

  /** Records these revisions as applied; a stored revision is only ever raised. */
  async record(tx: EntityManager, windows: readonly WindowRevision[]): Promise<void> {
    if (windows.length === 0) return;
    const newest = new Map<string, WindowRevision>();
    for (const w of windows) {
      const key = windowKey(w.cellId, w.windowStart);
      if ((newest.get(key)?.revision ?? -1) < w.revision) newest.set(key, w);
    }
    // In key order, so concurrent transactions (a rebalance moving a partition) take row locks in one order.
    const rows = [...newest.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, w]) => w);
    await tx.query(
      `INSERT INTO alerting.applied_windows (cell_id, window_start, revision)
       SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::int[])
       ON CONFLICT (cell_id, window_start) DO UPDATE SET revision = greatest(applied_windows.revision, EXCLUDED.revision)`,
      [rows.map((w) => w.cellId), rows.map((w) => w.windowStart), rows.map((w) => w.revision)],
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
