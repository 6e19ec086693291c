import type { DataScope } from '../history/data-scope';
import type { BuiltQuery } from '../history/history.query';
import { RECENT_DEAD_LETTERS } from './ingest-health.openapi';

/** Which sites, and which window: [from, to) in epoch milliseconds. */
export interface HealthSelection {
  /** An operator key's or ops' scope (data-scope.ts); partners never reach this view. */
  readonly scope: Pick<DataScope, 'operators'>;
  readonly pilot?: string;
  readonly site?: string;
  readonly from: number;
  readonly to: number;
}

/** An instant leaves Postgres as exact microseconds since the epoch, as text (see isoFromMicros). */
const micros = (column: string) => `((extract(epoch FROM ${column}) * 1000000)::int8)::text`;

/**
 * The one statement behind `GET /v1/ingest/health`: every registered site in scope, with what load stored of
 * it and what ingest rejected of it in the window, aggregated in Postgres:
 * - accepted: cell and GPU samples whose `received_at` falls in the window, grouped by site, read along
 *   `*_by_received` (load's migration IngestHealthReads); their latest `received_at` and `ts` are the site's
 *   last seen. The cost follows the rows in the window, not the number of sites.
 * - silent: a site with nothing in the window takes its last seen from its newest stored sample by `ts` (the
 *   `*_by_site` indexes: one probe per daily partition), so a site quiet for days still says since when. Only
 *   those sites pay for it (at 3,000 sites, all silent, it is the bulk of the time).
 * - rejected: dead letters received in the window, grouped by site, and the newest few of each site
 *   (`dead_letters_by_site`).
 * Samples and dead letters count under a site only when its own operator (the registry's) sent them, as
 * history scopes dead letters by their sender. Only the predicates of the filters given are written; every
 * value is a parameter.
 */
export function buildHealthQuery(selection: HealthSelection): BuiltQuery {
  const params: unknown[] = [];
  const bind = (value: unknown, cast: string) => {
    params.push(value);
    return `$${params.length}::${cast}`;
  };
  const from = bind(new Date(selection.from).toISOString(), 'timestamptz');
  const to = bind(new Date(selection.to).toISOString(), 'timestamptz');
  const where = [`r.type = 'site'`];
  if (selection.scope.operators !== 'all') where.push(`r.operator_id = ANY(${bind(selection.scope.operators, 'text[]')})`);
  if (selection.pilot !== undefined) where.push(`r.body->>'pilotId' = ${bind(selection.pilot, 'text')}`);
  if (selection.site !== undefined) where.push(`r.id = ${bind(selection.site, 'text')}`);
  const received = (table: string) => `SELECT site_id, operator_id, received_at, ts FROM ${table} WHERE received_at >= ${from} AND received_at < ${to}`;
  const newest = (table: string, alias: string) =>
    `(SELECT ${alias}.ts, ${alias}.received_at FROM ${table} ${alias} WHERE ${alias}.site_id = s.site_id AND ${alias}.operator_id = s.operator_id ORDER BY ${alias}.ts DESC LIMIT 1)`;
  const sql = `WITH sites AS (
  SELECT r.id AS site_id, r.operator_id, r.body->>'pilotId' AS pilot_id FROM api.registry_entities r WHERE ${where.join(' AND ')}
),
accepted AS (
  SELECT w.site_id, w.operator_id, count(*)::int8 AS samples, max(w.received_at) AS last_seen, max(w.ts) AS last_ts
  FROM (${received('load.cell_samples')} UNION ALL ${received('load.gpu_samples')}) w
  WHERE (w.site_id, w.operator_id) IN (SELECT site_id, operator_id FROM sites)
  GROUP BY w.site_id, w.operator_id
),
silent AS (
  SELECT s.site_id, s.operator_id, max(n.ts) AS last_ts, max(n.received_at) AS last_seen
  FROM sites s CROSS JOIN LATERAL (${newest('load.cell_samples', 'c')} UNION ALL ${newest('load.gpu_samples', 'g')}) n
  WHERE NOT EXISTS (SELECT 1 FROM accepted a WHERE a.site_id = s.site_id AND a.operator_id = s.operator_id)
  GROUP BY s.site_id, s.operator_id
),
rejected AS (
  SELECT d.site_id, d.operator_id, count(*)::int8 AS records FROM api.dead_letters d
  WHERE d.received_at >= ${from} AND d.received_at < ${to} AND (d.site_id, d.operator_id) IN (SELECT site_id, operator_id FROM sites)
  GROUP BY d.site_id, d.operator_id
)
SELECT s.site_id AS "siteId", s.operator_id AS "operatorId", s.pilot_id AS "pilotId",
  ${micros('coalesce(a.last_seen, q.last_seen)')} AS "lastSeenAt", ${micros('coalesce(a.last_ts, q.last_ts)')} AS "lastSampleTs",
  coalesce(a.samples, 0)::text AS "accepted", coalesce(r.records, 0)::text AS "rejected", coalesce(l.letters, '[]') AS "recentDeadLetters"
FROM sites s
LEFT JOIN accepted a ON a.site_id = s.site_id AND a.operator_id = s.operator_id
LEFT JOIN rejected r ON r.site_id = s.site_id AND r.operator_id = s.operator_id
LEFT JOIN silent q ON q.site_id = s.site_id AND q.operator_id = s.operator_id
LEFT JOIN LATERAL (
  SELECT json_agg(json_build_object('eventId', d.event_id, 'receivedAt', ${micros('d.received_at')}, 'format', d.format, 'reason', d.reason, 'firstError', d.errors->0)
    ORDER BY d.received_at DESC, d.event_id DESC) AS letters
  FROM (SELECT d.event_id, d.received_at, d.format, d.reason, d.errors FROM api.dead_letters d
    WHERE r.site_id IS NOT NULL AND d.site_id = s.site_id AND d.operator_id = s.operator_id AND d.received_at >= ${from} AND d.received_at < ${to}
    ORDER BY d.received_at DESC, d.event_id DESC LIMIT ${bind(RECENT_DEAD_LETTERS, 'int')}) d
) l ON true
ORDER BY s.site_id`;
  return { sql, params };
}
