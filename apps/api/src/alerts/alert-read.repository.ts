import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AlertEvent, AlertStatus } from '@airan/contracts';
import { INFRA, type ServiceInfra } from '@airan/http';

export interface AlertQuery {
  readonly status?: AlertStatus;
  readonly operatorId?: string;
  readonly siteId?: string;
  readonly cellId?: string;
  readonly limit: number;
}

@Injectable()
export class AlertReadRepository {
  constructor(@Inject(INFRA) private readonly infra: ServiceInfra) {}

  /**
   * Records alert events (each id once) and moves each alert's current state forward; an event
   * older than the state already shown (by event time) is kept in history but changes nothing.
   */
  async apply(tx: EntityManager, events: readonly AlertEvent[]): Promise<void> {
    if (events.length === 0) return;
    const fresh: Array<{ event_id: string }> = await tx.query(
      `INSERT INTO api.alert_events (event_id, fingerprint, status, evaluated_at, payload)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::jsonb[]) ON CONFLICT DO NOTHING RETURNING event_id`,
      [events.map((e) => e.id), events.map((e) => e.fingerprint), events.map((e) => e.status), events.map((e) => e.evaluatedAt), events.map((e) => JSON.stringify(e))],
    );
    const ids = new Set(fresh.map((r) => r.event_id));
    for (const e of events.filter((ev) => ids.has(ev.id))) {
      await tx.query(
        `INSERT INTO api.alerts (fingerprint, status, operator_id, site_id, cell_id, evaluated_at, last_event_id, payload)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (fingerprint) DO UPDATE SET status = EXCLUDED.status, evaluated_at = EXCLUDED.evaluated_at,
           last_event_id = EXCLUDED.last_event_id, payload = EXCLUDED.payload, updated_at = now()
         WHERE alerts.evaluated_at <= EXCLUDED.evaluated_at`,
        [e.fingerprint, e.status, e.labels.operator ?? null, e.labels.site ?? null, e.labels.cell ?? null, e.evaluatedAt, e.id, JSON.stringify(e)],
      );
    }
  }

  async list(query: AlertQuery): Promise<AlertEvent[]> {
    const rows: Array<{ payload: AlertEvent }> = await this.infra.dataSource.query(
      `SELECT payload FROM api.alerts
       WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR operator_id = $2)
         AND ($3::text IS NULL OR site_id = $3) AND ($4::text IS NULL OR cell_id = $4)
       ORDER BY evaluated_at DESC, fingerprint LIMIT $5`,
      [query.status ?? null, query.operatorId ?? null, query.siteId ?? null, query.cellId ?? null, query.limit],
    );
    return rows.map((r) => r.payload);
  }
}
