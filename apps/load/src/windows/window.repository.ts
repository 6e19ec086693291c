import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CellWindowMetrics } from '@airan/contracts';
import type { RollupSums } from '@airan/load-model';
import { ONE_LOOKUP_PER_ROW, at, ms } from '../load.sql';
import { numbers, texts } from '../pg-arrays';
import { type ClosedWindow, type OpenWindow, type WindowKey, windowKey } from './window.model';

/** The columns a closed window writes, in both tables (closed_at takes its default: the transaction's time). */
const WINDOW_COLUMNS = `cell_id, window_start, window_end, revision, operator_id, site_id, pilot_id, sample_count, coverage,
  ai_gpu_ms, capacity_gpu_ms, radio_gpu_ms, inference_load, radio_load, headroom, requests, tokens, tokens_per_sec, latency_p95_ms,
  prb_dl_pct, prb_ul_pct, thp_dl_mbps, thp_ul_mbps, rrc_connected_ues, event_id`;

export interface PreviousWindow {
  readonly revision: number;
  readonly sums: RollupSums;
}

/**
 * Windows awaiting close (`load.open_windows`), the latest revision of each closed one
 * (`load.cell_windows`) and every revision (`load.cell_window_revisions`). Every method runs inside the
 * consumer's transaction.
 */
@Injectable()
export class WindowRepository {
  /** The partition's open windows, read when its state is restored (PartitionStates). */
  async openWindowsOf(tx: EntityManager, topic: string, partition: number): Promise<OpenWindow[]> {
    const rows: Array<{ cell_id: string; s: number; e: number; operator_id: string; site_id: string }> = await tx.query(
      `SELECT cell_id, ${ms('window_start')} AS s, ${ms('window_end')} AS e, operator_id, site_id FROM load.open_windows WHERE topic = $1 AND partition = $2`,
      [topic, partition],
    );
    return rows.map((r) => ({ cellId: r.cell_id, start: r.s, end: r.e, operatorId: r.operator_id, siteId: r.site_id }));
  }

  /**
   * Records windows opened for the first time, to close once their partition's watermark passes their end.
   * No ON CONFLICT: the partition's state in memory says they are not there, and if it ever were wrong the
   * batch fails and restores its state from this table rather than go on from a wrong one.
   */
  async insertOpen(tx: EntityManager, topic: string, partition: number, windows: readonly OpenWindow[]): Promise<void> {
    if (windows.length === 0) return;
    await tx.query(
      `INSERT INTO load.open_windows (cell_id, window_start, window_end, topic, partition, operator_id, site_id)
       SELECT c, ${at('s')}, ${at('e')}, $4, $5, o, si FROM unnest($1::text[], $2::float8[], $3::float8[], $6::text[], $7::text[]) AS w(c, s, e, o, si)`,
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

  /** Deletes the partition's open windows that end at or before the watermark: the ones its state just closed. */
  async deleteClosed(tx: EntityManager, topic: string, partition: number, watermark: number): Promise<void> {
    await tx.query(`DELETE FROM load.open_windows WHERE topic = $1 AND partition = $2 AND window_end <= ${at('$3::float8')}`, [topic, partition, Math.trunc(watermark)]);
  }

  /** The stored revision of each window and what it contributed to rollups. */
  async previousWindows(tx: EntityManager, windows: readonly WindowKey[]): Promise<Map<string, PreviousWindow>> {
    if (windows.length === 0) return new Map();
    const rows: Array<{ cell_id: string; s: number; revision: number; ai_gpu_ms: number | null; capacity_gpu_ms: number | null; radio_gpu_ms: number | null; requests: string; tokens: string }> =
      await tx.query(
        `SELECT cw.cell_id, w.s, cw.revision, cw.ai_gpu_ms, cw.capacity_gpu_ms, cw.radio_gpu_ms, cw.requests, cw.tokens
         FROM unnest($1::text[], $2::float8[]) AS w(c, s)
         CROSS JOIN LATERAL (SELECT * FROM load.cell_windows cw WHERE cw.cell_id = w.c AND cw.window_start = ${at('w.s')} ${ONE_LOOKUP_PER_ROW}) cw`,
        [texts(windows.map((w) => w.cellId)), numbers(windows.map((w) => w.start))],
      );
    return new Map(
      rows.map((r) => [
        windowKey(r.cell_id, r.s),
        { revision: r.revision, sums: { cells: 1, aiGpuMs: r.ai_gpu_ms ?? 0, capacityGpuMs: r.capacity_gpu_ms ?? 0, radioGpuMs: r.radio_gpu_ms ?? 0, requests: Number(r.requests), tokens: Number(r.tokens) } },
      ]),
    );
  }

  async saveWindows(tx: EntityManager, windows: readonly ClosedWindow[]): Promise<void> {
    if (windows.length === 0) return;
    const m = (k: keyof CellWindowMetrics) => numbers(windows.map((w) => w.metrics[k]));
    // One statement writes the latest revision (cell_windows, upserted) and keeps every revision (cell_window_revisions).
    await tx.query(
      `WITH w AS (
         SELECT c, ${at('s')} AS s, ${at('e')} AS e, rev, o, si, p, n, cov, ai, cap, radio, il, rl, h, req, tok, tps, p95, pd, pu, td, tu, ues, id
         FROM unnest($1::text[], $2::float8[], $3::float8[], $4::int[], $5::text[], $6::text[], $7::text[], $8::int[], $9::float8[],
           $10::float8[], $11::float8[], $12::float8[], $13::float8[], $14::float8[], $15::float8[], $16::bigint[], $17::bigint[], $18::float8[], $19::float8[],
           $20::float8[], $21::float8[], $22::float8[], $23::float8[], $24::float8[], $25::uuid[])
           AS v(c, s, e, rev, o, si, p, n, cov, ai, cap, radio, il, rl, h, req, tok, tps, p95, pd, pu, td, tu, ues, id)
       ), revisions AS (
         INSERT INTO load.cell_window_revisions (${WINDOW_COLUMNS}) SELECT * FROM w ON CONFLICT (cell_id, window_start, revision) DO NOTHING
       )
       INSERT INTO load.cell_windows (${WINDOW_COLUMNS}) SELECT * FROM w
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
}
