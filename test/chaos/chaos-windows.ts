import type { Client } from 'pg';
import type { CellSample, GpuSample } from '@airan/contracts';
import { CELL_GPU_ALLOCATION, type SimOperator } from '@airan/demo-fleet';
import { attributeAiTime, attributeRadioTime, computeCellWindow, nodeGpuTime } from '@airan/load-model';
import { Collector, type Finding } from './chaos-finding';

export interface WindowAccounting {
  readonly checked: number;
  readonly revised: number;
  readonly mismatched: Finding;
}

const WINDOW_COLUMNS: ReadonlyArray<[string, keyof ReturnType<typeof computeCellWindow>]> = [
  ['sample_count', 'sampleCount'], ['coverage', 'coverage'], ['ai_gpu_ms', 'aiGpuMs'], ['capacity_gpu_ms', 'capacityGpuMs'], ['radio_gpu_ms', 'radioGpuMs'],
  ['inference_load', 'inferenceLoad'], ['radio_load', 'radioLoad'], ['headroom', 'headroom'], ['requests', 'requests'], ['tokens', 'tokens'],
  ['tokens_per_sec', 'tokensPerSec'], ['latency_p95_ms', 'latencyP95Ms'], ['prb_dl_pct', 'prbDlPct'], ['prb_ul_pct', 'prbUlPct'],
  ['thp_dl_mbps', 'thpDlMbps'], ['thp_ul_mbps', 'thpUlMbps'], ['rrc_connected_ues', 'rrcConnectedUes'],
];

/** Sums taken in another order differ in the last bits: that much relative difference is equality. */
const TOLERANCE = 1e-9;
const close = (x: unknown, y: unknown) => {
  const [a, b] = [x === null ? null : Number(x), y === null || y === undefined ? null : Number(y)];
  return a === b || (a !== null && b !== null && Math.abs(a - b) <= TOLERANCE * Math.max(Math.abs(a), Math.abs(b)));
}

/**
 * Every closed window (its latest revision) against a recomputation from the samples Postgres holds
 * (too-late ones left out, as load leaves them out) by libs/load-model's pure functions, with the
 * fleet's registry: every cell of a site on the site's GPU node with the demo allocation. One window
 * start at a time, so memory stays bounded whatever the run's length.
 */
export async function recomputeWindows(db: Client, operators: readonly SimOperator[], windowMs: number): Promise<WindowAccounting> {
  const nodeOf = new Map<string, string>();
  const cellsOf = new Map<string, string[]>();
  for (const site of operators.flatMap((op) => op.sites)) {
    cellsOf.set(site.gpuNode.hostname, site.cells.map((c) => c.id));
    for (const c of site.cells) nodeOf.set(c.id, site.gpuNode.hostname);
  }
  const mismatched = new Collector();
  let checked = 0;
  let revised = 0;
  const { rows: starts } = await db.query<{ s: number }>('SELECT DISTINCT (extract(epoch FROM window_start) * 1000)::float8 AS s FROM load.cell_windows ORDER BY 1');
  for (const { s: start } of starts) {
    const end = start + windowMs;
    const range = [new Date(start).toISOString(), new Date(end).toISOString()];
    const { rows: windows } = await db.query('SELECT * FROM load.cell_windows WHERE window_start = $1', [range[0]]);
    const { rows: cellRows } = await db.query(
      `SELECT cell_id, (extract(epoch FROM ts) * 1000)::float8 AS ts, interval_ms, prb_dl_pct, prb_ul_pct, thp_dl_mbps, thp_ul_mbps, rrc_connected_ues,
              inference_requests::float8, inference_tokens::float8, gpu_ms, latency_p95_ms
       FROM load.cell_samples WHERE ts > $1 AND ts <= $2 AND NOT too_late`, range);
    const { rows: gpuRows } = await db.query(
      `SELECT node, device, (extract(epoch FROM ts) * 1000)::float8 AS ts, util_pct, radio_share, ai_share FROM load.gpu_samples WHERE ts > $1 AND ts <= $2 AND NOT too_late`, range);
    const samples = groupBy(cellRows, (r) => r.cell_id as string, toCellSample);
    const gpus = groupBy(gpuRows, (r) => r.node as string, toGpuSample);
    for (const w of windows) {
      checked++;
      if (w.revision > 0) revised++;
      const node = nodeOf.get(w.cell_id)!;
      const time = nodeGpuTime(gpus.get(node) ?? [], windowMs);
      const demands = (cellsOf.get(node) ?? []).map((cellId) => {
        const own = samples.get(cellId) ?? [];
        const reported = own.filter((x) => x.gpuMs !== undefined);
        return { cellId, requests: own.reduce((n, x) => n + (x.inferenceRequests ?? 0), 0), reportedGpuMs: reported.length > 0 ? reported.reduce((n, x) => n + x.gpuMs!, 0) : null, allocatedGpus: CELL_GPU_ALLOCATION };
      });
      const ai = time.aiGpuMs === null ? undefined : attributeAiTime(time.aiGpuMs, demands).get(w.cell_id);
      const radio = time.radioGpuMs === null ? undefined : attributeRadioTime(time.radioGpuMs, demands).get(w.cell_id);
      const expected = computeCellWindow({ window: { start, end }, samples: samples.get(w.cell_id) ?? [], allocatedGpus: CELL_GPU_ALLOCATION, node: { attributedAiGpuMs: ai ?? null, radioGpuMs: radio ?? null } });
      const differing = WINDOW_COLUMNS.filter(([column, field]) => !close(w[column], expected[field]));
      if (differing.length > 0) mismatched.add(`${w.cell_id}@${range[0]} rev ${w.revision}: ${differing.map(([c, f]) => `${c} ${w[c]} ≠ ${expected[f]}`).join(', ')}`);
    }
  }
  return { checked, revised, mismatched: mismatched.finding };
}

function groupBy<R, T>(rows: readonly R[], keyOf: (r: R) => string, map: (r: R) => T): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) out.set(keyOf(r), [...(out.get(keyOf(r)) ?? []), map(r)]);
  return out;
}

/** A stored row as load reads it back (apps/load sample.repository): absent columns are absent fields. */
function toCellSample(r: Record<string, unknown>): CellSample {
  const fields: Array<[string, keyof CellSample]> = [
    ['prb_dl_pct', 'prbDlPct'], ['prb_ul_pct', 'prbUlPct'], ['thp_dl_mbps', 'thpDlMbps'], ['thp_ul_mbps', 'thpUlMbps'], ['rrc_connected_ues', 'rrcConnectedUes'],
    ['inference_requests', 'inferenceRequests'], ['inference_tokens', 'inferenceTokens'], ['gpu_ms', 'gpuMs'], ['latency_p95_ms', 'latencyP95Ms'],
  ];
  const sample: Record<string, unknown> = { cellId: r.cell_id, ts: r.ts, intervalMs: r.interval_ms };
  for (const [column, field] of fields) if (r[column] !== null) sample[field] = r[column];
  return sample as unknown as CellSample;
}

function toGpuSample(r: Record<string, unknown>): GpuSample {
  const sample: Record<string, unknown> = { node: r.node, device: r.device, ts: r.ts };
  if (r.radio_share !== null) sample.radioShare = r.radio_share;
  if (r.ai_share !== null) sample.aiShare = r.ai_share;
  if (r.util_pct !== null) sample.utilPct = r.util_pct;
  return sample as unknown as GpuSample;
}
