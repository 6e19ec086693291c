import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AbsenceTarget } from '@airan/rule-engine';

export interface Sighting {
  readonly target: AbsenceTarget;
  readonly id: string;
  readonly labels: Record<string, string>;
  /** Event time of the newest record in the report. */
  readonly eventAt: number;
  /** When ingest accepted it (wall clock): absence is measured from here, so a site's clock skew cannot hide it. */
  readonly receivedAt: number;
}

export interface LastSeen {
  readonly id: string;
  readonly labels: Record<string, string>;
  readonly receivedAt: number;
}

/** When each site and cell last reported, for absence rules. */
@Injectable()
export class LastSeenRepository {
  /** Records sightings; a replayed or older report never moves a time backwards. */
  async record(tx: EntityManager, sightings: readonly Sighting[]): Promise<void> {
    if (sightings.length === 0) return;
    const latest = new Map<string, Sighting>();
    for (const s of sightings) {
      const key = `${s.target}:${s.id}`;
      const seen = latest.get(key);
      if (!seen || seen.receivedAt < s.receivedAt) latest.set(key, s);
    }
    const rows = [...latest.values()].sort((a, b) => (a.target + a.id < b.target + b.id ? -1 : 1));
    const col = <T>(f: (s: Sighting) => T) => rows.map(f);
    await tx.query(
      `INSERT INTO alerting.last_seen (target, id, labels, event_at, received_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::timestamptz[], $5::timestamptz[])
       ON CONFLICT (target, id) DO UPDATE SET labels = EXCLUDED.labels,
         event_at = greatest(last_seen.event_at, EXCLUDED.event_at), received_at = greatest(last_seen.received_at, EXCLUDED.received_at)
       -- Absence is measured in seconds to minutes: a row written less than a second ago is left alone, sparing a new tuple per report.
       WHERE last_seen.received_at < EXCLUDED.received_at - interval '1 second'`,
      [col((s) => s.target), col((s) => s.id), col((s) => JSON.stringify(s.labels)), col((s) => new Date(s.eventAt)), col((s) => new Date(s.receivedAt))],
    );
  }

  /** Targets silent since before `before`, and the given ids whatever their time (active alerts that may resolve). */
  async silentOrListed(db: EntityManager, target: AbsenceTarget, before: number, ids: readonly string[]): Promise<LastSeen[]> {
    const rows: Array<{ id: string; labels: Record<string, string>; received_at: Date }> = await db.query(
      'SELECT id, labels, received_at FROM alerting.last_seen WHERE target = $1 AND (received_at <= $2 OR id = ANY($3)) ORDER BY id',
      [target, new Date(before), ids],
    );
    return rows.map((r) => ({ id: r.id, labels: r.labels, receivedAt: r.received_at.getTime() }));
  }
}
