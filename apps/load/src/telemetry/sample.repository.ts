import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CellSample, GpuSample } from '@airan/contracts';
import { ONE_LOOKUP_PER_ROW, at, ms } from '../load.sql';
import { booleans, numbers, texts } from '../pg-arrays';
import { type WindowKey, windowKey } from '../windows/window.model';

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

export interface StoredCellSample extends CellSample {
  readonly traceparent: string | null;
}

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
  const fresh = new Set(summary.keys.map(([id, ts]) => windowKey(id, ts)));
  return rows.filter((r) => fresh.delete(windowKey(identity(r), Math.trunc(r.sample.ts))));
}

/**
 * Raw cell and GPU samples (`load.cell_samples`, `load.gpu_samples`): stored once per identity, read per
 * window. Every method runs inside the consumer's transaction.
 */
@Injectable()
export class SampleRepository {
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

  /** Cell samples of each window (start < ts ≤ end), keyed by windowKey(cell, start). Too-late samples are left out. */
  async cellSamplesOf(tx: EntityManager, windows: readonly WindowKey[]): Promise<Map<string, StoredCellSample[]>> {
    if (windows.length === 0) return new Map();
    const rows: SampleRow[] = await tx.query(
      `SELECT w.s AS window_start, cs.cell_id, ${ms('cs.ts')} AS ts, cs.interval_ms, cs.prb_dl_pct, cs.prb_ul_pct, cs.thp_dl_mbps, cs.thp_ul_mbps,
         cs.rrc_connected_ues, cs.inference_requests::float8, cs.inference_tokens::float8, cs.gpu_ms, cs.latency_p95_ms, cs.traceparent
       FROM unnest($1::text[], $2::float8[], $3::float8[]) AS w(c, s, e)
       CROSS JOIN LATERAL (SELECT * FROM load.cell_samples cs WHERE cs.cell_id = w.c AND cs.ts > ${at('w.s')} AND cs.ts <= ${at('w.e')} AND NOT cs.too_late ${ONE_LOOKUP_PER_ROW}) cs
       ORDER BY cs.cell_id, cs.ts`,
      [texts(windows.map((w) => w.cellId)), numbers(windows.map((w) => w.start)), numbers(windows.map((w) => w.end))],
    );
    return groupBy(rows, (r) => windowKey(r.cell_id, r.window_start), toCellSample);
  }

  /** GPU samples of each node and window, keyed by windowKey(node, start). */
  async gpuSamplesOf(tx: EntityManager, windows: ReadonlyArray<{ node: string; start: number; end: number }>): Promise<Map<string, GpuSample[]>> {
    if (windows.length === 0) return new Map();
    const rows: Array<Record<string, unknown> & { node: string; window_start: number }> = await tx.query(
      `SELECT w.s AS window_start, gs.node, gs.device, ${ms('gs.ts')} AS ts, gs.util_pct, gs.radio_share, gs.ai_share, gs.mem_used_mib, gs.power_w, gs.temp_c
       FROM unnest($1::text[], $2::float8[], $3::float8[]) AS w(n, s, e)
       CROSS JOIN LATERAL (SELECT * FROM load.gpu_samples gs WHERE gs.node = w.n AND gs.ts > ${at('w.s')} AND gs.ts <= ${at('w.e')} AND NOT gs.too_late ${ONE_LOOKUP_PER_ROW}) gs
       ORDER BY gs.node, gs.device COLLATE "C", gs.ts`,
      [texts(windows.map((w) => w.node)), numbers(windows.map((w) => w.start)), numbers(windows.map((w) => w.end))],
    );
    return groupBy(rows, (r) => windowKey(r.node, r.window_start), toGpuSample);
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
