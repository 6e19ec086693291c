import type { AlertListKey } from './alerts.cursor';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AlertEvent, AlertStatus } from '@airan/contracts';
import { INFRA, type ServiceInfra } from '@airan/http';

/** What selects current alerts; `active` is every status but resolved. */
export interface AlertFilters {
  readonly status?: AlertStatus;
  readonly active?: boolean;
  readonly operatorId?: string;
  readonly siteId?: string;
  readonly cellId?: string;
  readonly severity?: string;
  readonly alertname?: string;
  readonly acknowledged?: boolean;
  readonly assignee?: string;
  readonly silenced?: boolean;
}

/** Where a recorded event sits: its alert, and its place in the order events were recorded. */
export interface EventPosition {
  readonly fingerprint: string;
  readonly seq: number;
}

@Injectable()
export class AlertReadRepository {
  constructor(@Inject(INFRA) private readonly infra: ServiceInfra) {}

  /**
   * Records alert events (each id once) and moves each alert's current state forward by event time;
   * an event older than the state already shown is kept in history but changes nothing. Events with
   * the state's own event time replace it: acknowledgements and assignments carry the alert's current
   * evaluatedAt, and a fingerprint's events arrive in order on its partition, so the later one wins.
   */
  async apply(tx: EntityManager, events: readonly AlertEvent[]): Promise<void> {
    if (events.length === 0) return;
    const fresh: Array<{ event_id: string }> = await tx.query(
      `INSERT INTO api.alert_events (event_id, fingerprint, status, evaluated_at, payload)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::jsonb[]) ON CONFLICT DO NOTHING RETURNING event_id`,
      [events.map((e) => e.id), events.map((e) => e.fingerprint), events.map((e) => e.status), events.map((e) => e.evaluatedAt), events.map((e) => JSON.stringify(e))],
    );
    const ids = new Set(fresh.map((r) => r.event_id));
    const recorded = events.filter((ev) => ids.has(ev.id));
    for (const e of recorded) {
      await tx.query(
        `INSERT INTO api.alerts (fingerprint, status, operator_id, site_id, cell_id, alertname, severity, acknowledged, assignee, silenced, evaluated_at, last_event_id, payload)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (fingerprint) DO UPDATE SET status = EXCLUDED.status, alertname = EXCLUDED.alertname, severity = EXCLUDED.severity,
           acknowledged = EXCLUDED.acknowledged, assignee = EXCLUDED.assignee, silenced = EXCLUDED.silenced, evaluated_at = EXCLUDED.evaluated_at,
           last_event_id = EXCLUDED.last_event_id, payload = EXCLUDED.payload, updated_at = now()
         WHERE alerts.evaluated_at <= EXCLUDED.evaluated_at`,
        [
          e.fingerprint,
          e.status,
          e.labels.operator ?? null,
          e.labels.site ?? null,
          e.labels.cell ?? null,
          e.labels.alertname ?? null,
          e.labels.severity ?? null,
          // Events written before the lifecycle fields existed lack them: not acknowledged, unassigned, not silenced.
          e.acknowledgement != null,
          e.assignee ?? null,
          (e.silencedBy?.length ?? 0) > 0,
          e.evaluatedAt,
          e.id,
          JSON.stringify(e),
        ],
      );
    }
  }

  /** Newest evidence first, `limit` alerts strictly after `after` in that order. */
  async list(filters: AlertFilters, limit: number, after?: AlertListKey): Promise<AlertEvent[]> {
    const rows: Array<{ payload: AlertEvent }> = await this.infra.dataSource.query(
      `SELECT payload FROM api.alerts
       WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR operator_id = $2)
         AND ($3::text IS NULL OR site_id = $3) AND ($4::text IS NULL OR cell_id = $4)
         AND ($5::text IS NULL OR severity = $5) AND ($6::text IS NULL OR alertname = $6)
         AND ($7::boolean IS NULL OR acknowledged = $7) AND ($8::text IS NULL OR assignee = $8)
         AND ($9::boolean IS NULL OR silenced = $9)
         AND ($10::boolean IS NULL OR (status <> 'resolved') = $10)
         AND ($11::timestamptz IS NULL OR (evaluated_at, fingerprint) < ($11, $12))
       ORDER BY evaluated_at DESC, fingerprint DESC LIMIT $13`,
      [
        filters.status ?? null,
        filters.operatorId ?? null,
        filters.siteId ?? null,
        filters.cellId ?? null,
        filters.severity ?? null,
        filters.alertname ?? null,
        filters.acknowledged ?? null,
        filters.assignee ?? null,
        filters.silenced ?? null,
        filters.active ?? null,
        after?.evaluatedAt ?? null,
        after?.fingerprint ?? null,
        limit,
      ],
    );
    return rows.map((r) => r.payload);
  }

  async position(eventId: string): Promise<EventPosition | undefined> {
    const rows: Array<{ fingerprint: string; seq: string }> = await this.infra.dataSource.query('SELECT fingerprint, seq FROM api.alert_events WHERE event_id = $1', [eventId]);
    return rows[0] && { fingerprint: rows[0].fingerprint, seq: Number(rows[0].seq) };
  }

  /** An alert's events before `beforeEventId` (all, without it), newest first by event time, at most `limit`. */
  async history(fingerprint: string, limit: number, beforeEventId?: string): Promise<AlertEvent[]> {
    const rows: Array<{ payload: AlertEvent }> = await this.infra.dataSource.query(
      `SELECT payload FROM api.alert_events
       WHERE fingerprint = $1 AND ($2::uuid IS NULL OR (evaluated_at, seq) < (SELECT evaluated_at, seq FROM api.alert_events WHERE event_id = $2))
       ORDER BY evaluated_at DESC, seq DESC LIMIT $3`,
      [fingerprint, beforeEventId ?? null, limit],
    );
    return rows.map((r) => r.payload);
  }
}
