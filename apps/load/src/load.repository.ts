import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CellSample, GpuSample } from '@airan/contracts';
import type { CellWindowMetrics, RollupSums } from '@airan/load-model';
import { booleans, numbers, texts } from './pg-arrays';
import type { RollupAccumulator } from './rollup-accumulator';

export interface SampleOrigin {
  readonly operatorId: string;
  readonly siteId: string;
  /** W3C trace context of the ingest request that carried the sample. */
  readonly traceparent: string | null;
  /** Beyond the allowed lateness: kept and counted, but it revises no window. */
  readonly tooLate: boolean;
}

export interface CellSampleRow extends SampleOrigin {
  readonly sample: CellSample;
}

export interface GpuSampleRow extends SampleOrigin {
  readonly sample: GpuSample;
}

export interface WindowKey {
  readonly cellId: string;
  readonly start: number;
  readonly end: number;
}

export interface OpenWindow extends WindowKey {
  readonly operatorId: string;
  readonly siteId: string;
}

export interface StoredCellSample extends CellSample {
  readonly traceparent: string | null;
}

export interface ClosedWindow extends OpenWindow {
  readonly pilotId: string | null;
  readonly revision: number;
  readonly metrics: CellWindowMetrics;
  readonly eventId: string;
}

export interface PreviousWindow {
  readonly revision: number;
  readonly sums: RollupSums;
}

const key = (id: string, start: number) => `${id}@${start}`;
export const windowKey = key;

/** A timestamptz column as epoch milliseconds (float8: exact for whole milliseconds), cheaper to read than a Date. */
const ms = (column: string) => `(extract(epoch FROM ${column}) * 1000)::float8`;

/**
 * Epoch milliseconds (float8, whole) as timestamptz, exactly for every date (to_timestamp(ms / 1000) alone is
 * off by a microsecond from the 22nd century on): whole seconds, then the milliseconds as an interval.
 */
const at = (msExpr: string) => `(to_timestamp(floor(${msExpr} / 1000)) + (${msExpr} - floor(${msExpr} / 1000) * 1000) * interval '1 millisecond')`;

/**
 * Closes a LATERAL subquery that looks up one unnest row's keys: OFFSET 0 keeps Postgres from flattening
 * it into a join, so each row is an index lookup (a few µs) in the one day partition it can match (run-time
 * pruning). As a plain join the planner, misled by a day partition not analyzed yet, picked a hash join over
 * every partition: a full scan of the samples per statement, which made reading a window's samples grow with
 * the table (1.1 s instead of 20 ms for 2,000 windows over 950,000 samples).
 */
const ONE_LOOKUP_PER_ROW = 'OFFSET 0';

/** A one-row summary of a data-modifying CTE: only if it did not insert every row, the keys of those it did (an empty list if none). */
interface InsertSummary {
  readonly keys: Array<[string, number]> | null;
}

/**
 * The rows an insert stored, from its summary: all of them when it stored every row (no keys sent
 * back), else those whose (identity, ts) it returned. Each returned key matches one row.
 */
function insertedRows<R extends { sample: { ts: number } }>(summary: InsertSummary, rows: readonly R[], identity: (row: R) => string): R[] {
  if (summary.keys === null) return [...rows];
  const fresh = new Set(summary.keys.map(([id, ts]) => key(id, ts)));
  return rows.filter((r) => fresh.delete(key(identity(r), Math.trunc(r.sample.ts))));
}

/**
 * The load service's SQL. Every method runs inside the consumer's transaction. Row sets go in as one
 * array literal per column (pg-arrays.ts) and times as epoch milliseconds both ways.
 */
@Injectable()
export class LoadRepository {
  /** Inserts cell samples not seen before (identity: cell, ts); returns the new ones. */
  async insertNewCellSamples(tx: EntityManager, rows: readonly CellSampleRow[]): Promise<CellSampleRow[]> {
    if (rows.length === 0) return [];
    const samples = rows.map((r) => r.sample);
    // Only when some rows were already stored (or repeat within the batch) are the inserted keys sent back.
    const [summary]: InsertSummary[] = await tx.query(
      `WITH inserted AS (
         INSERT INTO load.cell_samples (cell_id, ts, interval_ms, prb_dl_pct, prb_ul_pct, thp_dl_mbps, thp_ul_mbps, rrc_connected_ues,
           inference_requests, inference_tokens, gpu_ms, latency_p95_ms, operator_id, site_id, traceparent, too_late)
         SELECT c, ${at('t')}, i, a, b, d, e, f, g, h, k, l, o, s, tp, tl
         FROM unnest($1::text[], $2::float8[], $3::int[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::float8[],
           $9::bigint[], $10::bigint[], $11::float8[], $12::float8[], $13::text[], $14::text[], $15::text[], $16::bool[]) AS r(c, t, i, a, b, d, e, f, g, h, k, l, o, s, tp, tl)
         ON CONFLICT (cell_id, ts) DO NOTHING
         RETURNING cell_id, ts)
       SELECT CASE WHEN count(*) < $17 THEN coalesce(json_agg(json_build_array(cell_id, ${ms('ts')})), '[]') END AS keys FROM inserted`,
      [
        texts(samples.map((s) => s.cellId)),
        // new Date(ts) truncated fractional milliseconds; so does this.
        numbers(samples.map((s) => Math.trunc(s.ts))),
        numbers(samples.map((s) => s.intervalMs)),
        numbers(samples.map((s) => s.prbDlPct)),
        numbers(samples.map((s) => s.prbUlPct)),
        numbers(samples.map((s) => s.thpDlMbps)),
        numbers(samples.map((s) => s.thpUlMbps)),
        numbers(samples.map((s) => s.rrcConnectedUes)),
        numbers(samples.map((s) => s.inferenceRequests)),
        numbers(samples.map((s) => s.inferenceTokens)),
        numbers(samples.map((s) => s.gpuMs)),
        numbers(samples.map((s) => s.latencyP95Ms)),
        texts(rows.map((r) => r.operatorId)),
        texts(rows.map((r) => r.siteId)),
        texts(rows.map((r) => r.traceparent)),
        booleans(rows.map((r) => r.tooLate)),
        rows.length,
      ],
    );
    return insertedRows(summary, rows, (r) => r.sample.cellId);
  }

  /** Inserts GPU samples not seen before (identity: node, device, ts); returns the new ones. */
  async insertNewGpuSamples(tx: EntityManager, rows: readonly GpuSampleRow[]): Promise<GpuSampleRow[]> {
    if (rows.length === 0) return [];
    const samples = rows.map((r) => r.sample);
    const [summary]: InsertSummary[] = await tx.query(
      `WITH inserted AS (
         INSERT INTO load.gpu_samples (node, device, ts, util_pct, radio_share, ai_share, mem_used_mib, power_w, temp_c, operator_id, site_id, traceparent, too_late)
         SELECT n, d, ${at('t')}, u, r, a, m, p, c, o, s, tp, tl
         FROM unnest($1::text[], $2::text[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::float8[], $9::float8[],
           $10::text[], $11::text[], $12::text[], $13::bool[]) AS g(n, d, t, u, r, a, m, p, c, o, s, tp, tl)
         ON CONFLICT (node, device, ts) DO NOTHING
         RETURNING node, device, ts)
       SELECT CASE WHEN count(*) < $14 THEN coalesce(json_agg(json_build_array(node || '/' || device, ${ms('ts')})), '[]') END AS keys FROM inserted`,
      [
        texts(samples.map((s) => s.node)),
        texts(samples.map((s) => s.device)),
        numbers(samples.map((s) => Math.trunc(s.ts))),
        numbers(samples.map((s) => s.utilPct)),
        numbers(samples.map((s) => s.radioShare)),
        numbers(samples.map((s) => s.aiShare)),
        numbers(samples.map((s) => s.memUsedMiB)),
        numbers(samples.map((s) => s.powerW)),
        numbers(samples.map((s) => s.tempC)),
        texts(rows.map((r) => r.operatorId)),
        texts(rows.map((r) => r.siteId)),
        texts(rows.map((r) => r.traceparent)),
        booleans(rows.map((r) => r.tooLate)),
        rows.length,
      ],
    );
    return insertedRows(summary, rows, (r) => `${r.sample.node}/${r.sample.device}`);
  }

  async markOpen(tx: EntityManager, topic: string, partition: number, windows: readonly OpenWindow[]): Promise<void> {
    if (windows.length === 0) return;
    await tx.query(
      `INSERT INTO load.open_windows (cell_id, window_start, window_end, topic, partition, operator_id, site_id)
       SELECT c, ${at('s')}, ${at('e')}, $4, $5, o, si FROM unnest($1::text[], $2::float8[], $3::float8[], $6::text[], $7::text[]) AS w(c, s, e, o, si)
       ON CONFLICT (cell_id, window_start) DO NOTHING`,
      [
        texts(windows.map((w) => w.cellId)),
        numbers(windows.map((w) => w.start)),
        numbers(windows.map((w) => w.end)),
        topic,
        partition,
        texts(windows.map((w) => w.operatorId)),
        texts(windows.map((w) => w.siteId)),
      ],
    );
  }

  /**
   * The partition's largest event time so far (−∞ before the first sample). Called first in each batch's
   * transaction, it also turns JIT compilation off for the rest of the transaction: the per-window lookups
   * are estimated expensive (one index probe per partition per row) though they take milliseconds, and
   * compiling their expressions took seconds per statement once the estimate passed jit_above_cost.
   */
  async maxEventTime(tx: EntityManager, topic: string, partition: number): Promise<number> {
    const rows: Array<{ max_event_time: number | null }> = await tx.query(
      `SELECT set_config('jit', 'off', true) AS jit,
         (SELECT ${ms('max_event_time')} FROM load.partition_watermarks WHERE topic = $1 AND partition = $2) AS max_event_time`,
      [topic, partition],
    );
    return rows[0].max_event_time ?? -Infinity;
  }

  /** Raises the partition's largest event time. */
  async advanceMaxEventTime(tx: EntityManager, topic: string, partition: number, eventTime: number): Promise<void> {
    await tx.query(
      `INSERT INTO load.partition_watermarks (topic, partition, max_event_time) VALUES ($1, $2, ${at('$3::float8')})
       ON CONFLICT (topic, partition) DO UPDATE SET max_event_time = GREATEST(partition_watermarks.max_event_time, EXCLUDED.max_event_time)`,
      [topic, partition, Math.trunc(eventTime)],
    );
  }

  /** Removes and returns the partition's open windows that end at or before the watermark. */
  async takeClosable(tx: EntityManager, topic: string, partition: number, watermark: number): Promise<OpenWindow[]> {
    // TypeORM answers DELETE … RETURNING with [rows, affected].
    const [rows]: [Array<{ cell_id: string; s: number; e: number; operator_id: string; site_id: string }>, number] = await tx.query(
      `DELETE FROM load.open_windows WHERE topic = $1 AND partition = $2 AND window_end <= ${at('$3::float8')}
       RETURNING cell_id, ${ms('window_start')} AS s, ${ms('window_end')} AS e, operator_id, site_id`,
      [topic, partition, Math.trunc(watermark)],
    );
    return rows.map((r) => ({ cellId: r.cell_id, start: r.s, end: r.e, operatorId: r.operator_id, siteId: r.site_id }));
  }

  /** Cell samples of each window (start < ts ≤ end), keyed by windowKey(cell, start). Too-late samples are left out. */
  async cellSamplesOf(tx: EntityManager, windows: readonly WindowKey[]): Promise<Map<string, StoredCellSample[]>> {
    const rows: SampleRow[] = await tx.query(
      `SELECT w.s AS window_start, cs.cell_id, ${ms('cs.ts')} AS ts, cs.interval_ms, cs.prb_dl_pct, cs.prb_ul_pct, cs.thp_dl_mbps, cs.thp_ul_mbps,
         cs.rrc_connected_ues, cs.inference_requests::float8, cs.inference_tokens::float8, cs.gpu_ms, cs.latency_p95_ms, cs.traceparent
       FROM unnest($1::text[], $2::float8[], $3::float8[]) AS w(c, s, e)
       CROSS JOIN LATERAL (SELECT * FROM load.cell_samples cs WHERE cs.cell_id = w.c AND cs.ts > ${at('w.s')} AND cs.ts <= ${at('w.e')} AND NOT cs.too_late ${ONE_LOOKUP_PER_ROW}) cs
       ORDER BY cs.cell_id, cs.ts`,
      [texts(windows.map((w) => w.cellId)), numbers(windows.map((w) => w.start)), numbers(windows.map((w) => w.end))],
    );
    return groupBy(rows, (r) => key(r.cell_id, r.window_start), toCellSample);
  }

  /** GPU samples of each node and window, keyed by windowKey(node, start). */
  async gpuSamplesOf(tx: EntityManager, windows: ReadonlyArray<{ node: string; start: number; end: number }>): Promise<Map<string, GpuSample[]>> {
    if (windows.length === 0) return new Map();
    const rows: Array<Record<string, unknown> & { node: string; window_start: number }> = await tx.query(
      `SELECT w.s AS window_start, gs.node, gs.device, ${ms('gs.ts')} AS ts, gs.util_pct, gs.radio_share, gs.ai_share, gs.mem_used_mib, gs.power_w, gs.temp_c
       FROM unnest($1::text[], $2::float8[], $3::float8[]) AS w(n, s, e)
       CROSS JOIN LATERAL (SELECT * FROM load.gpu_samples gs WHERE gs.node = w.n AND gs.ts > ${at('w.s')} AND gs.ts <= ${at('w.e')} AND NOT gs.too_late ${ONE_LOOKUP_PER_ROW}) gs
       ORDER BY gs.node, gs.device, gs.ts`,
      [texts(windows.map((w) => w.node)), numbers(windows.map((w) => w.start)), numbers(windows.map((w) => w.end))],
    );
    return groupBy(rows, (r) => key(r.node, r.window_start), toGpuSample);
  }

  /** The stored revision of each window and what it contributed to rollups. */
  async previousWindows(tx: EntityManager, windows: readonly WindowKey[]): Promise<Map<string, PreviousWindow>> {
    const rows: Array<{ cell_id: string; s: number; revision: number; ai_gpu_ms: number | null; capacity_gpu_ms: number | null; radio_gpu_ms: number | null; requests: string; tokens: string }> =
      await tx.query(
        `SELECT cw.cell_id, w.s, cw.revision, cw.ai_gpu_ms, cw.capacity_gpu_ms, cw.radio_gpu_ms, cw.requests, cw.tokens
         FROM unnest($1::text[], $2::float8[]) AS w(c, s)
         CROSS JOIN LATERAL (SELECT * FROM load.cell_windows cw WHERE cw.cell_id = w.c AND cw.window_start = ${at('w.s')} ${ONE_LOOKUP_PER_ROW}) cw`,
        [texts(windows.map((w) => w.cellId)), numbers(windows.map((w) => w.start))],
      );
    return new Map(
      rows.map((r) => [
        key(r.cell_id, r.s),
        { revision: r.revision, sums: { cells: 1, aiGpuMs: r.ai_gpu_ms ?? 0, capacityGpuMs: r.capacity_gpu_ms ?? 0, radioGpuMs: r.radio_gpu_ms ?? 0, requests: Number(r.requests), tokens: Number(r.tokens) } },
      ]),
    );
  }

  async saveWindows(tx: EntityManager, windows: readonly ClosedWindow[]): Promise<void> {
    if (windows.length === 0) return;
    const m = (k: keyof CellWindowMetrics) => numbers(windows.map((w) => w.metrics[k]));
    await tx.query(
      `INSERT INTO load.cell_windows (cell_id, window_start, window_end, revision, operator_id, site_id, pilot_id, sample_count, coverage,
         ai_gpu_ms, capacity_gpu_ms, radio_gpu_ms, inference_load, radio_load, headroom, requests, tokens, tokens_per_sec, latency_p95_ms,
         prb_dl_pct, prb_ul_pct, thp_dl_mbps, thp_ul_mbps, rrc_connected_ues, event_id)
       SELECT c, ${at('s')}, ${at('e')}, rev, o, si, p, n, cov, ai, cap, radio, il, rl, h, req, tok, tps, p95, pd, pu, td, tu, ues, id
       FROM unnest($1::text[], $2::float8[], $3::float8[], $4::int[], $5::text[], $6::text[], $7::text[], $8::int[], $9::float8[],
         $10::float8[], $11::float8[], $12::float8[], $13::float8[], $14::float8[], $15::float8[], $16::bigint[], $17::bigint[], $18::float8[], $19::float8[],
         $20::float8[], $21::float8[], $22::float8[], $23::float8[], $24::float8[], $25::uuid[])
         AS w(c, s, e, rev, o, si, p, n, cov, ai, cap, radio, il, rl, h, req, tok, tps, p95, pd, pu, td, tu, ues, id)
       ON CONFLICT (cell_id, window_start) DO UPDATE SET
         revision = EXCLUDED.revision, pilot_id = EXCLUDED.pilot_id, sample_count = EXCLUDED.sample_count, coverage = EXCLUDED.coverage,
         ai_gpu_ms = EXCLUDED.ai_gpu_ms, capacity_gpu_ms = EXCLUDED.capacity_gpu_ms, radio_gpu_ms = EXCLUDED.radio_gpu_ms,
         inference_load = EXCLUDED.inference_load, radio_load = EXCLUDED.radio_load, headroom = EXCLUDED.headroom,
         requests = EXCLUDED.requests, tokens = EXCLUDED.tokens, tokens_per_sec = EXCLUDED.tokens_per_sec,
         latency_p95_ms = EXCLUDED.latency_p95_ms, prb_dl_pct = EXCLUDED.prb_dl_pct, prb_ul_pct = EXCLUDED.prb_ul_pct,
         thp_dl_mbps = EXCLUDED.thp_dl_mbps, thp_ul_mbps = EXCLUDED.thp_ul_mbps, rrc_connected_ues = EXCLUDED.rrc_connected_ues,
         event_id = EXCLUDED.event_id, closed_at = now()`,
      [
        texts(windows.map((w) => w.cellId)),
        numbers(windows.map((w) => w.start)),
        numbers(windows.map((w) => w.end)),
        numbers(windows.map((w) => w.revision)),
        texts(windows.map((w) => w.operatorId)),
        texts(windows.map((w) => w.siteId)),
        texts(windows.map((w) => w.pilotId)),
        m('sampleCount'),
        m('coverage'),
        m('aiGpuMs'),
        m('capacityGpuMs'),
        m('radioGpuMs'),
        m('inferenceLoad'),
        m('radioLoad'),
        m('headroom'),
        m('requests'),
        m('tokens'),
        m('tokensPerSec'),
        m('latencyP95Ms'),
        m('prbDlPct'),
        m('prbUlPct'),
        m('thpDlMbps'),
        m('thpUlMbps'),
        m('rrcConnectedUes'),
        texts(windows.map((w) => w.eventId)),
      ],
    );
  }

  /**
   * Adds summed deltas to rollup rows (one per scope and window); additive, so revisions and several
   * instances compose. Rows shared across partitions (pilot, operator) are locked in one order by every
   * transaction: no deadlocks.
   */
  async addToRollups(tx: EntityManager, rollups: RollupAccumulator): Promise<void> {
    if (rollups.size === 0) return;
    const rows = rollups.rows();
    await tx.query(
      `INSERT INTO load.rollup_windows (scope, scope_id, window_start, cells, ai_gpu_us, capacity_gpu_us, radio_gpu_us, requests, tokens)
       SELECT scope, scope_id, ${at('ws')}, c, ai, cap, radio, req, tok
       FROM unnest($1::text[], $2::text[], $3::float8[], $4::int[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[])
         AS d(scope, scope_id, ws, c, ai, cap, radio, req, tok)
       ORDER BY scope, scope_id, ws
       ON CONFLICT (scope, scope_id, window_start) DO UPDATE SET
         cells = rollup_windows.cells + EXCLUDED.cells, ai_gpu_us = rollup_windows.ai_gpu_us + EXCLUDED.ai_gpu_us,
         capacity_gpu_us = rollup_windows.capacity_gpu_us + EXCLUDED.capacity_gpu_us, radio_gpu_us = rollup_windows.radio_gpu_us + EXCLUDED.radio_gpu_us,
         requests = rollup_windows.requests + EXCLUDED.requests, tokens = rollup_windows.tokens + EXCLUDED.tokens, updated_at = now()`,
      [
        texts(rows.map((r) => r.scope)),
        texts(rows.map((r) => r.scopeId)),
        numbers(rows.map((r) => r.start)),
        numbers(rows.map((r) => r.cells)),
        numbers(rows.map((r) => r.aiGpuUs)),
        numbers(rows.map((r) => r.capacityGpuUs)),
        numbers(rows.map((r) => r.radioGpuUs)),
        numbers(rows.map((r) => r.requests)),
        numbers(rows.map((r) => r.tokens)),
      ],
    );
  }
}

interface SampleRow {
  readonly window_start: number;
  readonly cell_id: string;
  readonly ts: number;
  readonly interval_ms: number;
  readonly prb_dl_pct: number | null;
  readonly prb_ul_pct: number | null;
  readonly thp_dl_mbps: number | null;
  readonly thp_ul_mbps: number | null;
  readonly rrc_connected_ues: number | null;
  readonly inference_requests: number | null;
  readonly inference_tokens: number | null;
  readonly gpu_ms: number | null;
  readonly latency_p95_ms: number | null;
  readonly traceparent: string | null;
}

function groupBy<R, T>(rows: readonly R[], keyOf: (r: R) => string, map: (r: R) => T): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = keyOf(r);
    const list = out.get(k) ?? [];
    list.push(map(r));
    out.set(k, list);
  }
  return out;
}


const num = (v: unknown) => (v === null || v === undefined ? undefined : Number(v));

/** Absent measurements stay absent, so the model can tell "not reported" from zero. */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** A stored cell sample as the model reads it: NULL columns become absent keys. */
function toCellSample(r: SampleRow): StoredCellSample {
  const s: { -readonly [K in keyof StoredCellSample]: StoredCellSample[K] } = { cellId: r.cell_id, ts: r.ts, intervalMs: r.interval_ms, traceparent: r.traceparent };
  if (r.prb_dl_pct !== null) s.prbDlPct = r.prb_dl_pct;
  if (r.prb_ul_pct !== null) s.prbUlPct = r.prb_ul_pct;
  if (r.thp_dl_mbps !== null) s.thpDlMbps = r.thp_dl_mbps;
  if (r.thp_ul_mbps !== null) s.thpUlMbps = r.thp_ul_mbps;
  if (r.rrc_connected_ues !== null) s.rrcConnectedUes = r.rrc_connected_ues;
  if (r.inference_requests !== null) s.inferenceRequests = r.inference_requests;
  if (r.inference_tokens !== null) s.inferenceTokens = r.inference_tokens;
  if (r.gpu_ms !== null) s.gpuMs = r.gpu_ms;
  if (r.latency_p95_ms !== null) s.latencyP95Ms = r.latency_p95_ms;
  return s;
}

function toGpuSample(r: Record<string, unknown>): GpuSample {
  return defined({
    node: r.node as string,
    device: r.device as string,
    ts: r.ts as number,
    utilPct: num(r.util_pct),
    radioShare: num(r.radio_share),
    aiShare: num(r.ai_share),
    memUsedMiB: num(r.mem_used_mib),
    powerW: num(r.power_w),
    tempC: num(r.temp_c),
  });
}
