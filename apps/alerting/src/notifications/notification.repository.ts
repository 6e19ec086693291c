import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AlertNotification } from '@airan/rule-engine';
import type { ReceiverKind } from './receivers';

export interface PendingNotification {
  readonly id: string;
  readonly receiver: string;
  readonly kind: ReceiverKind;
  readonly url: string;
  readonly body: unknown;
  readonly attempts: number;
}

export interface NewNotification extends Omit<PendingNotification, 'attempts'> {
  readonly fingerprint: string;
  readonly status: string;
}

interface NotificationRow {
  id: string;
  receiver: string;
  kind: ReceiverKind;
  status: string;
  created_at: Date;
  delivered_at: Date | null;
  failed_at: Date | null;
  attempts: number;
  last_error: string | null;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

export const NOTIFY_CHANNEL = 'airan_notify_alerting';

/** `n` is undelivered, and no earlier notification of the same alert to the same receiver is. */
const PENDING_HEAD = `n.delivered_at IS NULL AND n.failed_at IS NULL AND NOT EXISTS (
  SELECT 1 FROM alerting.notifications e WHERE e.receiver = n.receiver AND e.fingerprint = n.fingerprint AND e.seq < n.seq AND e.delivered_at IS NULL AND e.failed_at IS NULL)`;

/** The notification queue in the alerting schema. */
@Injectable()
export class NotificationRepository {
  /** Queues notifications in the caller's transaction; an id already queued is ignored (replays are harmless). */
  async enqueue(tx: EntityManager, notifications: readonly NewNotification[]): Promise<void> {
    if (notifications.length === 0) return;
    const col = <T>(f: (n: NewNotification) => T) => notifications.map(f);
    // In the given order, so `seq` numbers an alert's notifications in the order of its changes.
    await tx.query(
      `INSERT INTO alerting.notifications (id, receiver, kind, url, fingerprint, status, body)
       SELECT id, receiver, kind, url, fingerprint, status, body
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[]) WITH ORDINALITY AS n(id, receiver, kind, url, fingerprint, status, body, ord)
       ORDER BY ord ON CONFLICT DO NOTHING`,
      [col((n) => n.id), col((n) => n.receiver), col((n) => n.kind), col((n) => n.url), col((n) => n.fingerprint), col((n) => n.status), col((n) => JSON.stringify(n.body))],
    );
    await tx.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, '']);
  }

  /**
   * Due notifications in creation order, locked for this transaction: of each alert, only the oldest
   * undelivered one per receiver, so a receiver hears an alert's changes in order (never a resolve
   * before its firing), and a later change waits while an earlier one is being retried.
   */
  async claimDue(tx: EntityManager, limit: number): Promise<PendingNotification[]> {
    return tx.query(
      `SELECT id, receiver, kind, url, body, attempts FROM alerting.notifications n
       WHERE ${PENDING_HEAD} AND next_attempt_at <= now()
       ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
  }

  async markDelivered(tx: EntityManager, id: string): Promise<void> {
    await tx.query('UPDATE alerting.notifications SET delivered_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = $1', [id]);
  }

  async markRetry(tx: EntityManager, id: string, delayMs: number, error: string): Promise<void> {
    await tx.query(`UPDATE alerting.notifications SET attempts = attempts + 1, next_attempt_at = now() + $2 * interval '1 millisecond', last_error = $3 WHERE id = $1`, [id, delayMs, error]);
  }

  async markFailed(tx: EntityManager, id: string, error: string): Promise<void> {
    await tx.query('UPDATE alerting.notifications SET attempts = attempts + 1, failed_at = now(), last_error = $2 WHERE id = $1', [id, error]);
  }

  /**
   * An alert's newest notifications, newest first, as people read them: never the URL or the body (a
   * webhook URL can hold a secret), and the URL masked in the last error should an error quote it.
   */
  async listOfAlert(db: EntityManager, fingerprint: string, limit: number): Promise<AlertNotification[]> {
    const rows: NotificationRow[] = await db.query(
      `SELECT id, receiver, kind, status, created_at, delivered_at, failed_at, attempts, replace(last_error, url, '<receiver url>') AS last_error
       FROM alerting.notifications WHERE fingerprint = $1 ORDER BY seq DESC LIMIT $2`,
      [fingerprint, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      receiver: r.receiver,
      kind: r.kind,
      status: r.status,
      createdAt: r.created_at.toISOString(),
      deliveredAt: iso(r.delivered_at),
      failedAt: iso(r.failed_at),
      attempts: r.attempts,
      lastError: r.last_error,
    }));
  }

  /** Milliseconds until the next retry is due, if any is waiting. */
  async msUntilNextDue(tx: EntityManager): Promise<number | undefined> {
    const rows: Array<{ ms: number | null }> = await tx.query(
      `SELECT (extract(epoch FROM min(next_attempt_at) - now()) * 1000)::float8 AS ms FROM alerting.notifications n WHERE ${PENDING_HEAD}`,
    );
    return rows[0].ms === null ? undefined : Math.max(0, rows[0].ms);
  }
}
