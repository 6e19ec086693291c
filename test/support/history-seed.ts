import type { Client, Pool } from 'pg';
import type { DatasetName } from '../../apps/api/src/history/history.datasets';

/**
 * History at volume, written by SQL (generate_series: a million rows in seconds), for the index plans, the
 * export tests and the export bench. A synthetic fleet beside the demo one: operators op0..op2, ten sites
 * each (`op1-site07`; sites 0-4 in the operator's pilot `op1-pilot`), cells `op1-site07-c012`, one GPU node
 * per site (`op1-site07-gpu`) with eight devices. Every series steps by one minute from `origin` (row i of a
 * series of s rows per step: step floor(i / s)), so rows are in time order as load writes them.
 */

export const SEED_OPERATORS = ['op0', 'op1', 'op2'];
export const SEED_SITES_PER_OPERATOR = 10;
/** Cells in the fleet: ~33 per site. */
export const SEED_CELLS = 1000;

/** SQL for the site (0..29) of a row's series number `n`, its operator and pilot. */
const site = (n: string) => `(${n}) % ${SEED_OPERATORS.length * SEED_SITES_PER_OPERATOR}`;
const siteId = (n: string) => `'op' || (${site(n)}) / ${SEED_SITES_PER_OPERATOR} || '-site' || lpad(((${site(n)}) % ${SEED_SITES_PER_OPERATOR})::text, 2, '0')`;
const operatorId = (n: string) => `'op' || (${site(n)}) / ${SEED_SITES_PER_OPERATOR}`;
const pilotId = (n: string) => `CASE WHEN (${site(n)}) % ${SEED_SITES_PER_OPERATOR} < 5 THEN ${operatorId(n)} || '-pilot' END`;
const cellId = (n: string) => `${siteId(n)} || '-c' || lpad(((${n}) / 30)::text, 3, '0')`;
const minute = (origin: string, step: string) => `${origin}::timestamptz + (${step}) * interval '1 minute'`;

export type SeededTable = 'cell_samples' | 'gpu_samples' | 'cell_windows' | 'cell_window_revisions' | 'rollup_windows' | 'dead_letters';

/** INSERT … SELECT of `rows` rows into a table; $1 is the origin instant, $2 the row count. */
const SEEDS: Record<SeededTable, string> = {
  cell_samples: `
    INSERT INTO load.cell_samples (cell_id, ts, interval_ms, prb_dl_pct, prb_ul_pct, thp_dl_mbps, thp_ul_mbps, rrc_connected_ues,
      inference_requests, inference_tokens, gpu_ms, latency_p95_ms, operator_id, site_id, traceparent, too_late, received_at)
    SELECT ${cellId('c')}, ${minute('$1', 'i / 1000')}, 60000, (i % 1000) / 10.0, CASE WHEN i % 7 = 0 THEN NULL ELSE i % 97 + 0.25 END,
      i % 500 + 0.5, i % 50 + 0.125, i % 200, i % 300, CASE WHEN i % 11 = 0 THEN NULL ELSE 9007199254740993 + i END, (i % 1000) * 1.5,
      CASE WHEN i % 13 = 0 THEN NULL ELSE i % 120 + 0.1 END, ${operatorId('c')}, ${siteId('c')}, NULL, i % 17 = 0,
      ${minute('$1', 'i / 1000')} + interval '1.234567 second'
    FROM generate_series(0, $2::int - 1) AS i, LATERAL (SELECT i % ${SEED_CELLS} AS c) s`,
  gpu_samples: `
    INSERT INTO load.gpu_samples (node, device, ts, util_pct, radio_share, ai_share, mem_used_mib, power_w, temp_c, operator_id, site_id, too_late, received_at)
    SELECT ${siteId('n')} || '-gpu', 'gpu' || d, ${minute('$1', 'i / 240')}, i % 100, CASE WHEN i % 5 = 0 THEN NULL ELSE (i % 40) / 100.0 END, (i % 60) / 100.0,
      i % 80000, 300 + i % 400, CASE WHEN i % 9 = 0 THEN NULL ELSE 40 + i % 45 END, ${operatorId('n')}, ${siteId('n')}, false, ${minute('$1', 'i / 240')}
    FROM generate_series(0, $2::int - 1) AS i, LATERAL (SELECT (i % 240) / 8 AS n, i % 8 AS d) s`,
  cell_windows: `
    INSERT INTO load.cell_windows (cell_id, window_start, window_end, revision, operator_id, site_id, pilot_id, sample_count, coverage,
      ai_gpu_ms, capacity_gpu_ms, radio_gpu_ms, inference_load, radio_load, headroom, requests, tokens, tokens_per_sec, latency_p95_ms,
      prb_dl_pct, prb_ul_pct, thp_dl_mbps, thp_ul_mbps, rrc_connected_ues, event_id)
    SELECT ${cellId('c')}, ${minute('$1', 'i / 1000')}, ${minute('$1', 'i / 1000 + 1')}, i % 3, ${operatorId('c')}, ${siteId('c')}, ${pilotId('c')}, 4, 1,
      i % 1000, 15000, 3750, CASE WHEN i % 4 = 0 THEN NULL ELSE 0.5 END, 0.25, 0.25, i % 100, 9007199254740993 + i, 80.5, 61, 41.5, 22.25, 310.5, 20.125, 120, gen_random_uuid()
    FROM generate_series(0, $2::int - 1) AS i, LATERAL (SELECT i % ${SEED_CELLS} AS c) s`,
  cell_window_revisions: `
    INSERT INTO load.cell_window_revisions (cell_id, window_start, window_end, revision, operator_id, site_id, pilot_id, sample_count, coverage,
      ai_gpu_ms, capacity_gpu_ms, radio_gpu_ms, inference_load, radio_load, headroom, requests, tokens, tokens_per_sec, latency_p95_ms,
      prb_dl_pct, prb_ul_pct, thp_dl_mbps, thp_ul_mbps, rrc_connected_ues, event_id)
    SELECT ${cellId('c')}, ${minute('$1', 'i / 1000')}, ${minute('$1', 'i / 1000 + 1')}, i % 2, ${operatorId('c')}, ${siteId('c')}, ${pilotId('c')}, 4, 1,
      i % 1000, 15000, 3750, 0.5, 0.25, 0.25, i % 100, i, 80.5, 61, 41.5, 22.25, 310.5, 20.125, 120, gen_random_uuid()
    FROM generate_series(0, $2::int - 1) AS i, LATERAL (SELECT (i % 1000) / 2 AS c) s`,
  rollup_windows: `
    INSERT INTO load.rollup_windows (scope, scope_id, window_start, cells, ai_gpu_us, capacity_gpu_us, radio_gpu_us, requests, tokens)
    SELECT CASE WHEN i % 20 = 0 THEN 'operator' WHEN i % 20 = 1 THEN 'pilot' ELSE 'site' END,
      CASE WHEN i % 20 = 0 THEN 'op' || (i / 20) % 3 WHEN i % 20 = 1 THEN 'op' || (i / 20) % 3 || '-pilot' ELSE ${siteId('(i / 20) * 18 + i % 20 - 2')} END,
      ${minute('$1', 'i / 20')}, 33, i * 1000, 15000000000, 3750000, i % 100, 9007199254740993 + i
    FROM generate_series(0, $2::int - 1) AS i`,
  dead_letters: `
    INSERT INTO api.dead_letters (event_id, operator_id, site_id, key_id, format, reason, errors, raw, raw_truncated_bytes, received_at)
    SELECT gen_random_uuid(), ${operatorId('i')}, CASE WHEN i % 10 = 0 THEN NULL ELSE ${siteId('i')} END, 'key' || i % 3, 'native', 'INVALID_VALUE',
      jsonb_build_array(jsonb_build_object('path', '$.records[' || i % 500 || '].prbDlPct', 'code', 'INVALID_VALUE', 'message', 'must be a number, "quoted", with, commas')),
      CASE WHEN i % 3 = 0 THEN NULL ELSE jsonb_build_object('type', 'cell', 'prbDlPct', 'x' || i) END, CASE WHEN i % 29 = 0 THEN 2000000 END,
      ${minute('$1', 'i / 100')}
    FROM generate_series(0, $2::int - 1) AS i`,
};

/** Inserts `rows` rows into `table`, stepping a minute at a time from `origin`; a pool seeds several tables at once. */
export async function seedHistory(db: Client | Pool, table: SeededTable, rows: number, origin: Date): Promise<void> {
  await db.query(SEEDS[table], [origin.toISOString(), rows]);
}

/** The fleet's operators, pilots and sites in the api's registry, which places rollups with their operator. */
export async function seedRegistryPlacement(db: Client): Promise<void> {
  await db.query(
    `INSERT INTO api.registry_entities (type, id, operator_id, site_id, body, version)
     SELECT 'operator', 'op' || o, 'op' || o, NULL, jsonb_build_object('id', 'op' || o, 'name', 'op' || o), 1 FROM generate_series(0, 2) AS o
     UNION ALL SELECT 'pilot', 'op' || o || '-pilot', 'op' || o, NULL, '{}'::jsonb, 1 FROM generate_series(0, 2) AS o
     UNION ALL SELECT 'site', 'op' || s / 10 || '-site' || lpad((s % 10)::text, 2, '0'), 'op' || s / 10, NULL, '{}'::jsonb, 1 FROM generate_series(0, 29) AS s
     ON CONFLICT DO NOTHING`,
  );
}

/** Each history route's query over a seeded table: its route, extra parameters, the dataset it reads, and which seeded rows it returns. */
export interface SeededQuery {
  readonly route: string;
  readonly params: Record<string, string>;
  readonly dataset: DatasetName;
  readonly table: SeededTable;
  /** SQL predicate on the table's rows the query selects, when not all. */
  readonly where?: string;
}

export const SEEDED_QUERIES: readonly SeededQuery[] = [
  { route: 'cell-load', params: {}, dataset: 'cell-load', table: 'cell_windows' },
  { route: 'cell-load', params: { revisions: 'all' }, dataset: 'cell-load-revisions', table: 'cell_window_revisions' },
  { route: 'rollups', params: { scope: 'site' }, dataset: 'rollups', table: 'rollup_windows', where: `scope = 'site'` },
  { route: 'cell-samples', params: {}, dataset: 'cell-samples', table: 'cell_samples' },
  { route: 'gpu-samples', params: {}, dataset: 'gpu-samples', table: 'gpu_samples' },
  { route: 'dead-letters', params: {}, dataset: 'dead-letters', table: 'dead_letters' },
];
