import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Matcher, Silence } from '@airan/rule-engine';

export interface StoredSilence extends Silence {
  readonly expiredBy: 'user' | 'resolve' | null;
  readonly createdAt: number;
}

interface SilenceRow {
  id: string;
  matchers: Matcher[];
  starts_at: Date;
  ends_at: Date;
  created_by: string;
  comment: string;
  ends_on_resolve: boolean;
  expired_by: 'user' | 'resolve' | null;
  created_at: Date;
}

const fromRow = (r: SilenceRow): StoredSilence => ({
  id: r.id,
  matchers: r.matchers,
  startsAt: r.starts_at.getTime(),
  endsAt: r.ends_at.getTime(),
  createdBy: r.created_by,
  comment: r.comment,
  endsOnResolve: r.ends_on_resolve,
  expiredBy: r.expired_by,
  createdAt: r.created_at.getTime(),
});

/** Silences in the alerting schema; an expired silence is kept (ends_at moved to its expiry) for the record. */
@Injectable()
export class SilenceRepository {
  /** Silences that have not ended at `now` (including those that start later). */
  async unexpired(db: EntityManager, now: number): Promise<StoredSilence[]> {
    const rows: SilenceRow[] = await db.query('SELECT * FROM alerting.silences WHERE ends_at > $1 ORDER BY starts_at, id', [new Date(now)]);
    return rows.map(fromRow);
  }

  async list(db: EntityManager, includeExpired: boolean, now: number): Promise<StoredSilence[]> {
    const rows: SilenceRow[] = await db.query('SELECT * FROM alerting.silences WHERE $1 OR ends_at > $2 ORDER BY created_at DESC, id LIMIT 1000', [includeExpired, new Date(now)]);
    return rows.map(fromRow);
  }

  async insert(tx: EntityManager, s: Silence): Promise<StoredSilence> {
    const rows: SilenceRow[] = await tx.query(
      `INSERT INTO alerting.silences (id, matchers, starts_at, ends_at, created_by, comment, ends_on_resolve) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [s.id, JSON.stringify(s.matchers), new Date(s.startsAt), new Date(s.endsAt), s.createdBy, s.comment, s.endsOnResolve],
    );
    return fromRow(rows[0]);
  }

  /** Ends silences now; answers the ids that were still running. */
  async expire(tx: EntityManager, ids: readonly string[], by: 'user' | 'resolve', now: number): Promise<string[]> {
    if (ids.length === 0) return [];
    // TypeORM answers UPDATE … RETURNING with [rows, affected].
    const [rows]: [Array<{ id: string }>, number] = await tx.query(
      `UPDATE alerting.silences SET ends_at = greatest(starts_at + interval '1 millisecond', $2), expired_by = $3 WHERE id = ANY($1) AND ends_at > $2 RETURNING id`,
      [ids, new Date(now), by],
    );
    return rows.map((r) => r.id);
  }
}
