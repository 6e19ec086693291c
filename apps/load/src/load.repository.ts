import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CellSample } from '@airan/contracts';
import type { CellWindowMetrics } from '@airan/load-model';

export interface SampleRow {
  readonly operatorId: string;
  readonly siteId: string;
  readonly sample: CellSample;
  /** W3C trace context of the ingest request that carried the sample. */
  readonly traceparent: string | null;
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

export interface StoredSample extends CellSample {
  readonly traceparent: string | null;
}

export interface ClosedWindow extends OpenWindow {
  readonly revision: number;
  readonly metrics: CellWindowMetrics;
  readonly eventId: string;
}

/** The load service's SQL. Every method runs inside the consumer's transaction. */
@Injectable()
export class LoadRepository {
  /** Inserts samples not seen before (identity: cell, ts) and returns the new ones' identities. */
  async insertNewSamples(tx: EntityManager, rows: readonly SampleRow[]): Promise<Array<{ cellId: string; ts: number }>> {
    if (rows.length === 0) return [];
    const col = <T>(f: (r: SampleRow) => T) => rows.map(f);
    const inserted: Array<{ cell_id: string; ts: Date }> = await tx.query(
      `INSERT INTO load.cell_samples (cell_id, ts, operator_id, site_id, interval_ms, prb_dl_pct, prb_ul_pct, thp_dl_mbps, thp_ul_mbps,
         rrc_connected_ues, inference_requests, inference_tokens, gpu_ms, latency_p95_ms, traceparent)
       SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::int[], $6::float8[], $7::float8[], $8::float8[],
         $9::float8[], $10::float8[], $11::bigint[], $12::bigint[], $13::float8[], $14::float8[], $15::text[])
       ON CONFLICT (cell_id, ts) DO NOTHING
       RETURNING cell_id, ts`,
      [
        col((r) => r.sample.cellId),
        col((r) => new Date(r.sample.ts)),
        col((r) => r.operatorId),
        col((r) => r.siteId),
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
        col((r) => r.traceparent),
      ],
    );
    return inserted.map((r) => ({ cellId: r.cell_id, ts: r.ts.getTime() }));
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

  /** Raises the partition's largest event time and returns it. */
  async advanceMaxEventTime(tx: EntityManager, topic: string, partition: number, eventTime: number): Promise<number> {
    const rows: Array<{ max_event_time: Date }> = await tx.query(
      `INSERT INTO load.partition_watermarks (topic, partition, max_event_time) VALUES ($1, $2, $3)
       ON CONFLICT (topic, partition) DO UPDATE SET max_event_time = GREATEST(partition_watermarks.max_event_time, EXCLUDED.max_event_time)
       RETURNING max_event_time`,
      [topic, partition, new Date(eventTime)],
    );
    return rows[0].max_event_time.getTime();
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

  /** Samples of each window: a sample at `ts` belongs to the window with start < ts ≤ end. */
  async samplesOf(tx: EntityManager, windows: readonly WindowKey[]): Promise<Map<string, StoredSample[]>> {
    const rows: Array<Record<string, unknown> & { cell_id: string; ts: Date; window_start: Date }> = await tx.query(
      `SELECT w.s AS window_start, cs.* FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) AS w(c, s, e)
       JOIN load.cell_samples cs ON cs.cell_id = w.c AND cs.ts > w.s AND cs.ts <= w.e`,
      [windows.map((w) => w.cellId), windows.map((w) => new Date(w.start)), windows.map((w) => new Date(w.end))],
    );
    const byWindow = new Map<string, StoredSample[]>();
    for (const r of rows) {
      const key = windowKey(r.cell_id, r.window_start.getTime());
      const list = byWindow.get(key) ?? [];
      list.push(toSample(r));
      byWindow.set(key, list);
    }
    return byWindow;
  }

  async lastRevisions(tx: EntityManager, windows: readonly WindowKey[]): Promise<Map<string, number>> {
    const rows: Array<{ cell_id: string; window_start: Date; revision: number }> = await tx.query(
      `SELECT cw.cell_id, cw.window_start, cw.revision FROM unnest($1::text[], $2::timestamptz[]) AS w(c, s)
       JOIN load.cell_windows cw ON cw.cell_id = w.c AND cw.window_start = w.s`,
      [windows.map((w) => w.cellId), windows.map((w) => new Date(w.start))],
    );
    return new Map(rows.map((r) => [windowKey(r.cell_id, r.window_start.getTime()), r.revision]));
  }

  async saveWindows(tx: EntityManager, windows: readonly ClosedWindow[]): Promise<void> {
    if (windows.length === 0) return;
    const col = <T>(f: (w: ClosedWindow) => T) => windows.map(f);
    const m = <K extends keyof CellWindowMetrics>(k: K) => col((w) => w.metrics[k]);
    await tx.query(
      `INSERT INTO load.cell_windows (cell_id, window_start, window_end, revision, operator_id, site_id, sample_count, coverage,
         inference_load, radio_load, headroom, requests, tokens, tokens_per_sec, latency_p95_ms, prb_dl_pct, prb_ul_pct,
         thp_dl_mbps, thp_ul_mbps, rrc_connected_ues, event_id)
       SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::int[], $5::text[], $6::text[], $7::int[], $8::float8[],
         $9::float8[], $10::float8[], $11::float8[], $12::bigint[], $13::bigint[], $14::float8[], $15::float8[], $16::float8[], $17::float8[],
         $18::float8[], $19::float8[], $20::float8[], $21::uuid[])
       ON CONFLICT (cell_id, window_start) DO UPDATE SET
         revision = EXCLUDED.revision, sample_count = EXCLUDED.sample_count, coverage = EXCLUDED.coverage,
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
        m('sampleCount'),
        m('coverage'),
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
}

export const windowKey = (cellId: string, start: number) => `${cellId}@${start}`;

const num = (v: unknown) => (v === null || v === undefined ? undefined : Number(v));

function toSample(r: Record<string, unknown>): StoredSample {
  const sample = {
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
  };
  // Absent measurements stay absent, so the model can tell "not reported" from zero.
  return Object.fromEntries(Object.entries(sample).filter(([, v]) => v !== undefined)) as unknown as StoredSample;
}
