import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CellSample, GpuSample } from '@airan/contracts';
import type { CellWindowMetrics, RollupSums } from '@airan/load-model';

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

/** The load service's SQL. Every method runs inside the consumer's transaction. */
@Injectable()
export class LoadRepository {
  /** Inserts cell samples not seen before (identity: cell, ts); returns the new ones. */
  async insertNewCellSamples(tx: EntityManager, rows: readonly CellSampleRow[]): Promise<CellSampleRow[]> {
    if (rows.length === 0) return [];
    const col = <T>(f: (r: CellSampleRow) => T) => rows.map(f);
    const inserted: Array<{ cell_id: string; ts: Date }> = await tx.query(
      `INSERT INTO load.cell_samples (cell_id, ts, interval_ms, prb_dl_pct, prb_ul_pct, thp_dl_mbps, thp_ul_mbps, rrc_connected_ues,
         inference_requests, inference_tokens, gpu_ms, latency_p95_ms, operator_id, site_id, traceparent, too_late)
       SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::int[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::float8[],
         $9::bigint[], $10::bigint[], $11::float8[], $12::float8[], $13::text[], $14::text[], $15::text[], $16::bool[])
       ON CONFLICT (cell_id, ts) DO NOTHING
       RETURNING cell_id, ts`,
      [
        col((r) => r.sample.cellId),
        col((r) => new Date(r.sample.ts)),
        col((r) => r.sample.intervalMs),
        col((r) => r.sample.prbDlPct ?? null),
        col((r) => r.sample.prbUlPct ?? null),
        col((r) => r.sample.thpDlMbps ?? null),
        col((r) => r.sample.thpUlMbps ?? null),
        col((r) => r.sample.rrcConnectedUes ?? null),
        col((r) => r.sample.inferenceRequests ?? null),
        col((r) => r.sample.inferenceTokens ?? null),
        col((r) => r.sample.gpuMs ?? null),
        col((r) => r.sample.latencyP95Ms ?? null),
        col((r) => r.operatorId),
        col((r) => r.siteId),
        col((r) => r.traceparent),
        col((r) => r.tooLate),
      ],
    );
    const fresh = new Set(inserted.map((r) => key(r.cell_id, r.ts.getTime())));
    return rows.filter((r) => fresh.delete(key(r.sample.cellId, r.sample.ts)));
  }

  /** Inserts GPU samples not seen before (identity: node, device, ts); returns the new ones. */
  async insertNewGpuSamples(tx: EntityManager, rows: readonly GpuSampleRow[]): Promise<GpuSampleRow[]> {
    if (rows.length === 0) return [];
    const col = <T>(f: (r: GpuSampleRow) => T) => rows.map(f);
    const inserted: Array<{ node: string; device: string; ts: Date }> = await tx.query(
      `INSERT INTO load.gpu_samples (node, device, ts, util_pct, radio_share, ai_share, mem_used_mib, power_w, temp_c, operator_id, site_id, traceparent, too_late)
       SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::float8[], $9::float8[],
         $10::text[], $11::text[], $12::text[], $13::bool[])
       ON CONFLICT (node, device, ts) DO NOTHING
       RETURNING node, device, ts`,
      [
        col((r) => r.sample.node),
        col((r) => r.sample.device),
        col((r) => new Date(r.sample.ts)),
        col((r) => r.sample.utilPct ?? null),
        col((r) => r.sample.radioShare ?? null),
        col((r) => r.sample.aiShare ?? null),
        col((r) => r.sample.memUsedMiB ?? null),
        col((r) => r.sample.powerW ?? null),
        col((r) => r.sample.tempC ?? null),
        col((r) => r.operatorId),
        col((r) => r.siteId),
        col((r) => r.traceparent),
        col((r) => r.tooLate),
      ],
    );
    const fresh = new Set(inserted.map((r) => `${r.node}/${r.device}@${r.ts.getTime()}`));
    return rows.filter((r) => fresh.delete(`${r.sample.node}/${r.sample.device}@${r.sample.ts}`));
  }

  async markOpen(tx: EntityManager, topic: string, partition: number, windows: readonly OpenWindow[]): Promise<void> {
    if (windows.length === 0) return;
    await tx.query(
      `INSERT INTO load.open_windows (cell_id, window_start, window_end, topic, partition, operator_id, site_id)
       SELECT c, s, e, $4, $5, o, si FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $6::text[], $7::text[]) AS w(c, s, e, o, si)
       ON CONFLICT (cell_id, window_start) DO NOTHING`,
      [windows.map((w) => w.cellId), windows.map((w) => new Date(w.start)), windows.map((w) => new Date(w.end)), topic, partition, windows.map((w) => w.operatorId), windows.map((w) => w.siteId)],
    );
  }

  /** The partition's largest event time so far (−∞ before the first sample). */
  async maxEventTime(tx: EntityManager, topic: string, partition: number): Promise<number> {
    const rows: Array<{ max_event_time: Date }> = await tx.query('SELECT max_event_time FROM load.partition_watermarks WHERE topic = $1 AND partition = $2', [topic, partition]);
    return rows[0]?.max_event_time.getTime() ?? -Infinity;
  }

  /** Raises the partition's largest event time. */
  async advanceMaxEventTime(tx: EntityManager, topic: string, partition: number, eventTime: number): Promise<void> {
    await tx.query(
      `INSERT INTO load.partition_watermarks (topic, partition, max_event_time) VALUES ($1, $2, $3)
       ON CONFLICT (topic, partition) DO UPDATE SET max_event_time = GREATEST(partition_watermarks.max_event_time, EXCLUDED.max_event_time)`,
      [topic, partition, new Date(eventTime)],
    );
  }

  /** Removes and returns the partition's open windows that end at or before the watermark. */
  async takeClosable(tx: EntityManager, topic: string, partition: number, watermark: number): Promise<OpenWindow[]> {
    // TypeORM answers DELETE … RETURNING with [rows, affected].
    const [rows]: [Array<{ cell_id: string; window_start: Date; window_end: Date; operator_id: string; site_id: string }>, number] = await tx.query(
      `DELETE FROM load.open_windows WHERE topic = $1 AND partition = $2 AND window_end <= $3
       RETURNING cell_id, window_start, window_end, operator_id, site_id`,
      [topic, partition, new Date(watermark)],
    );
    return rows.map((r) => ({ cellId: r.cell_id, start: r.window_start.getTime(), end: r.window_end.getTime(), operatorId: r.operator_id, siteId: r.site_id }));
  }

  /** Cell samples of each window (start < ts ≤ end), keyed by windowKey(cell, start). Too-late samples are left out. */
  async cellSamplesOf(tx: EntityManager, windows: readonly WindowKey[]): Promise<Map<string, StoredCellSample[]>> {
    const rows: Array<Record<string, unknown> & { cell_id: string; window_start: Date }> = await tx.query(
      `SELECT w.s AS window_start, cs.* FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) AS w(c, s, e)
       JOIN load.cell_samples cs ON cs.cell_id = w.c AND cs.ts > w.s AND cs.ts <= w.e AND NOT cs.too_late
       ORDER BY cs.cell_id, cs.ts`,
      [windows.map((w) => w.cellId), windows.map((w) => new Date(w.start)), windows.map((w) => new Date(w.end))],
    );
    return groupBy(rows, (r) => key(r.cell_id, r.window_start.getTime()), toCellSample);
  }

  /** GPU samples of each node and window, keyed by windowKey(node, start). */
  async gpuSamplesOf(tx: EntityManager, windows: ReadonlyArray<{ node: string; start: number; end: number }>): Promise<Map<string, GpuSample[]>> {
    if (windows.length === 0) return new Map();
    const rows: Array<Record<string, unknown> & { node: string; window_start: Date }> = await tx.query(
      `SELECT w.s AS window_start, gs.* FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) AS w(n, s, e)
       JOIN load.gpu_samples gs ON gs.node = w.n AND gs.ts > w.s AND gs.ts <= w.e AND NOT gs.too_late
       ORDER BY gs.node, gs.device, gs.ts`,
      [windows.map((w) => w.node), windows.map((w) => new Date(w.start)), windows.map((w) => new Date(w.end))],
    );
    return groupBy(rows, (r) => key(r.node, r.window_start.getTime()), toGpuSample);
  }

  /** The stored revision of each window and what it contributed to rollups. */
  async previousWindows(tx: EntityManager, windows: readonly WindowKey[]): Promise<Map<string, PreviousWindow>> {
    const rows: Array<{ cell_id: string; window_start: Date; revision: number; ai_gpu_ms: number | null; capacity_gpu_ms: number | null; radio_gpu_ms: number | null; requests: string; tokens: string }> =
      await tx.query(
        `SELECT cw.cell_id, cw.window_start, cw.revision, cw.ai_gpu_ms, cw.capacity_gpu_ms, cw.radio_gpu_ms, cw.requests, cw.tokens
         FROM unnest($1::text[], $2::timestamptz[]) AS w(c, s) JOIN load.cell_windows cw ON cw.cell_id = w.c AND cw.window_start = w.s`,
        [windows.map((w) => w.cellId), windows.map((w) => new Date(w.start))],
      );
    return new Map(
      rows.map((r) => [
        key(r.cell_id, r.window_start.getTime()),
        { revision: r.revision, sums: { cells: 1, aiGpuMs: r.ai_gpu_ms ?? 0, capacityGpuMs: r.capacity_gpu_ms ?? 0, radioGpuMs: r.radio_gpu_ms ?? 0, requests: Number(r.requests), tokens: Number(r.tokens) } },
      ]),
    );
  }

  async saveWindows(tx: EntityManager, windows: readonly ClosedWindow[]): Promise<void> {
    if (windows.length === 0) return;
    const col = <T>(f: (w: ClosedWindow) => T) => windows.map(f);
    const m = <K extends keyof CellWindowMetrics>(k: K) => col((w) => w.metrics[k]);
    await tx.query(
      `INSERT INTO load.cell_windows (cell_id, window_start, window_end, revision, operator_id, site_id, pilot_id, sample_count, coverage,
         ai_gpu_ms, capacity_gpu_ms, radio_gpu_ms, inference_load, radio_load, headroom, requests, tokens, tokens_per_sec, latency_p95_ms,
         prb_dl_pct, prb_ul_pct, thp_dl_mbps, thp_ul_mbps, rrc_connected_ues, event_id)
       SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::int[], $5::text[], $6::text[], $7::text[], $8::int[], $9::float8[],
         $10::float8[], $11::float8[], $12::float8[], $13::float8[], $14::float8[], $15::float8[], $16::bigint[], $17::bigint[], $18::float8[], $19::float8[],
         $20::float8[], $21::float8[], $22::float8[], $23::float8[], $24::float8[], $25::uuid[])
       ON CONFLICT (cell_id, window_start) DO UPDATE SET
         revision = EXCLUDED.revision, pilot_id = EXCLUDED.pilot_id, sample_count = EXCLUDED.sample_count, coverage = EXCLUDED.coverage,
         ai_gpu_ms = EXCLUDED.ai_gpu_ms, capacity_gpu_ms = EXCLUDED.capacity_gpu_ms, radio_gpu_ms = EXCLUDED.radio_gpu_ms,
         inference_load = EXCLUDED.inference_load, radio_load = EXCLUDED.radio_load, headroom = EXCLUDED.headroom,
         requests = EXCLUDED.requests, tokens = EXCLUDED.tokens, tokens_per_sec = EXCLUDED.tokens_per_sec,
         latency_p95_ms = EXCLUDED.latency_p95_ms, prb_dl_pct = EXCLUDED.prb_dl_pct, prb_ul_pct = EXCLUDED.prb_ul_pct,
         thp_dl_mbps = EXCLUDED.thp_dl_mbps, thp_ul_mbps = EXCLUDED.thp_ul_mbps, rrc_connected_ues = EXCLUDED.rrc_connected_ues,
         event_id = EXCLUDED.event_id, closed_at = now()`,
      [
        col((w) => w.cellId),
        col((w) => new Date(w.start)),
        col((w) => new Date(w.end)),
        col((w) => w.revision),
        col((w) => w.operatorId),
        col((w) => w.siteId),
        col((w) => w.pilotId),
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
        col((w) => w.eventId),
      ],
    );
  }

  /** Adds deltas to rollup rows (one per scope and window); additive, so revisions and several instances compose. */
  async addToRollups(tx: EntityManager, deltas: ReadonlyArray<{ scope: 'site' | 'pilot' | 'operator'; scopeId: string; start: number; sums: RollupSums }>): Promise<void> {
    if (deltas.length === 0) return;
    const col = <T>(f: (d: (typeof deltas)[number]) => T) => deltas.map(f);
    // A batch may name a rollup row several times; sum first so the upsert touches each row once.
    await tx.query(
      `INSERT INTO load.rollup_windows (scope, scope_id, window_start, cells, ai_gpu_us, capacity_gpu_us, radio_gpu_us, requests, tokens)
       SELECT scope, scope_id, ws, sum(c)::int, sum(ai)::bigint, sum(cap)::bigint, sum(radio)::bigint, sum(req)::bigint, sum(tok)::bigint
       FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::int[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[])
         AS d(scope, scope_id, ws, c, ai, cap, radio, req, tok)
       GROUP BY scope, scope_id, ws
       -- Rows shared across partitions (pilot, operator) are locked in one order by every transaction: no deadlocks.
       ORDER BY scope, scope_id, ws
       ON CONFLICT (scope, scope_id, window_start) DO UPDATE SET
         cells = rollup_windows.cells + EXCLUDED.cells, ai_gpu_us = rollup_windows.ai_gpu_us + EXCLUDED.ai_gpu_us,
         capacity_gpu_us = rollup_windows.capacity_gpu_us + EXCLUDED.capacity_gpu_us, radio_gpu_us = rollup_windows.radio_gpu_us + EXCLUDED.radio_gpu_us,
         requests = rollup_windows.requests + EXCLUDED.requests, tokens = rollup_windows.tokens + EXCLUDED.tokens, updated_at = now()`,
      [
        col((d) => d.scope),
        col((d) => d.scopeId),
        col((d) => new Date(d.start)),
        col((d) => d.sums.cells),
        col((d) => toMicros(d.sums.aiGpuMs)),
        col((d) => toMicros(d.sums.capacityGpuMs)),
        col((d) => toMicros(d.sums.radioGpuMs)),
        col((d) => d.sums.requests),
        col((d) => d.sums.tokens),
      ],
    );
  }
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

/** GPU-ms as whole GPU-microseconds (see load.rollup_windows). Each delta rounds the same way every run. */
const toMicros = (ms: number) => Math.round(ms * 1000);

const num = (v: unknown) => (v === null || v === undefined ? undefined : Number(v));

/** Absent measurements stay absent, so the model can tell "not reported" from zero. */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function toCellSample(r: Record<string, unknown>): StoredCellSample {
  return defined({
    cellId: r.cell_id as string,
    ts: (r.ts as Date).getTime(),
    intervalMs: r.interval_ms as number,
    prbDlPct: num(r.prb_dl_pct),
    prbUlPct: num(r.prb_ul_pct),
    thpDlMbps: num(r.thp_dl_mbps),
    thpUlMbps: num(r.thp_ul_mbps),
    rrcConnectedUes: num(r.rrc_connected_ues),
    inferenceRequests: num(r.inference_requests),
    inferenceTokens: num(r.inference_tokens),
    gpuMs: num(r.gpu_ms),
    latencyP95Ms: num(r.latency_p95_ms),
    traceparent: (r.traceparent as string | null) ?? null,
  });
}

function toGpuSample(r: Record<string, unknown>): GpuSample {
  return defined({
    node: r.node as string,
    device: r.device as string,
    ts: (r.ts as Date).getTime(),
    utilPct: num(r.util_pct),
    radioShare: num(r.radio_share),
    aiShare: num(r.ai_share),
    memUsedMiB: num(r.mem_used_mib),
    powerW: num(r.power_w),
    tempC: num(r.temp_c),
  });
}
