import type { DataSource, EntityManager } from 'typeorm';

export interface OutboxEvent {
  readonly eventId: string;
  readonly topic: string;
  readonly key: string;
  /** `null` publishes a tombstone (deletes the key from a compacted topic). */
  readonly value: unknown;
  readonly headers: Record<string, string>;
}

export interface PendingOutboxRow {
  readonly seq: string;
  readonly topic: string;
  readonly key: string;
  readonly value: string | null;
  readonly headers: Record<string, string>;
}

/**
 * Planner settings of the relay's claim, for its transaction only. The claim reads the partial index of
 * unpublished rows, whose entries for rows published since the last vacuum point at dead versions. An index
 * scan marks each such entry dead as it passes it, so the next claim skips it. A bitmap scan, which the
 * planner picks when it expects few unpublished rows, marks nothing and visits every one again at each
 * claim until vacuum reaches the table: after the pipeline bench registered 30,000 cells, 49 ms a claim
 * (once a second, per relay) that found nothing.
 */
export const CLAIM_PLANNER_SETTINGS = { enable_bitmapscan: 'off' } as const;

/** The transactional outbox of one service schema. */
export class OutboxRepository {
  constructor(private readonly schema: string) {}

  /** The claim: the oldest unpublished rows, at most $1, in order (run under CLAIM_PLANNER_SETTINGS). */
  get claimStatement(): string {
    return `SELECT seq, topic, key, value, headers FROM "${this.schema}".outbox WHERE published_at IS NULL ORDER BY seq LIMIT $1`;
  }

  /** Postgres channel notified (at commit) whenever events are added: relays LISTEN on it. */
  get channel(): string {
    return `airan_outbox_${this.schema}`;
  }

  /** Adds events inside the caller's transaction; an event id already present is ignored (replays are harmless). */
  async add(tx: EntityManager, events: readonly OutboxEvent[]): Promise<void> {
    if (events.length === 0) return;
    // Values and headers go as one JSON array each, serialised natively in one pass (an array literal of JSON
    // texts has every quote escaped, element by element). json_array_elements hands back each element's text
    // exactly as written, without decoding it, so `value` holds JSON.stringify(event.value) as before.
    // ROWS FROM walks the five lists in step, in order (seq follows the order of `events`).
    await tx.query(
      `INSERT INTO "${this.schema}".outbox (event_id, topic, key, value, headers)
       SELECT id, topic, key, CASE WHEN json_typeof(value) = 'null' THEN NULL ELSE value::text END, headers::jsonb
       FROM ROWS FROM (unnest($1::uuid[]), unnest($2::text[]), unnest($3::text[]), json_array_elements($4::json), json_array_elements($5::json)) AS e(id, topic, key, value, headers)
       ON CONFLICT (event_id) DO NOTHING`,
      [
        events.map((e) => e.eventId),
        events.map((e) => e.topic),
        events.map((e) => e.key),
        JSON.stringify(events.map((e) => e.value ?? null)),
        JSON.stringify(events.map((e) => e.headers)),
      ],
    );
    await tx.query('SELECT pg_notify($1, $2)', [this.channel, '']);
  }

  /**
   * Claims up to `limit` unpublished rows in order, hands them to `publish`, and marks them published
   * in the same transaction. A crash before the commit leaves them unpublished: delivered at least once,
   * consumers de-duplicate by event id.
   *
   * One claim at a time per outbox, whatever the number of relays (a service's instances share its
   * outbox): the transaction first waits for the outbox's advisory lock. Claims that skipped each other's
   * rows would send later events of a key beside, or ahead of, earlier ones still in flight or refused.
   */
  async publishPending(dataSource: DataSource, limit: number, publish: (rows: PendingOutboxRow[]) => Promise<void>): Promise<number> {
    return dataSource.transaction(async (tx) => {
      // One round trip: the lock, then the settings (each applied by set_config, for this transaction only).
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1)), (SELECT count(set_config(key, value, true)) FROM jsonb_each_text($2::jsonb))', [
        `airan-outbox:${this.schema}`,
        JSON.stringify(CLAIM_PLANNER_SETTINGS),
      ]);
      const rows: PendingOutboxRow[] = await tx.query(this.claimStatement, [limit]);
      if (rows.length === 0) return 0;
      await publish(rows);
      await tx.query(`UPDATE "${this.schema}".outbox SET published_at = now() WHERE seq = ANY($1::bigint[])`, [rows.map((r) => r.seq)]);
      return rows.length;
    });
  }

  /** Forgets published events after a while: they stay for inspection, not forever. */
  async prunePublished(dataSource: DataSource, olderThanMs: number): Promise<void> {
    await dataSource.query(`DELETE FROM "${this.schema}".outbox WHERE published_at < now() - $1 * interval '1 millisecond'`, [olderThanMs]);
  }
}
