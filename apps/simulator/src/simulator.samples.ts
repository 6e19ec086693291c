/**
 * Builds native telemetry batches (`POST /v1/telemetry`, see `NATIVE_RECORD_SCHEMAS` in
 * libs/contracts) for one operator's simulated sites. Pure: the output depends only on the
 * arguments, randomness comes from the PRNG passed in, so a fixed seed gives a fixed batch.
 *
 * Shape of the numbers:
 * - a daily sine per site (peak at the site's `peakHourKst`) drives PRB use, connected UEs and
 *   inference demand;
 * - inference load of a cell = gpuMs / (CELL_GPU_ALLOCATION × intervalMs); it is usually
 *   0.3–0.9 (mean 0.6 ± 0.25 sine, ±0.03 cell bias, Gaussian noise), and in deterministic 5-minute
 *   "burst" buckets (about 4 % of them per cell) it is multiplied by 1.4–1.9, so above 1;
 * - the GPU node serves the radio stack on `gpu0` (share grows with PRB use) and spreads the
 *   site's AI GPU time over all its devices.
 */
import {
  CELL_GPU_ALLOCATION,
  FLEET,
  fleetOperator,
  hash32,
  type OperatorId,
  type SimCell,
  type SimOperator,
  type SimSite,
  type Prng,
} from '@airan/demo-fleet';

/** Standard normal variate (Box–Muller) from the PRNG. */
export function gaussian(rng: Prng): number {
  const u = 1 - rng(); // (0, 1]
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export interface NativeCellRecord {
  type: 'cell';
  siteId: string;
  cellId: string;
  ts: string;
  intervalMs: number;
  prbDlPct: number;
  prbUlPct: number;
  thpDlMbps: number;
  thpUlMbps: number;
  rrcConnectedUes: number;
  inferenceRequests: number;
  inferenceTokens: number;
  gpuMs: number;
  latencyP95Ms: number;
}

export interface NativeGpuRecord {
  type: 'gpu';
  siteId: string;
  node: string;
  device: string;
  ts: string;
  utilPct: number;
  radioShare: number;
  aiShare: number;
  memUsedMiB: number;
  powerW: number;
  tempC: number;
}

export interface NativeHeartbeatRecord {
  type: 'heartbeat';
  siteId: string;
  ts: string;
}

export type NativeRecord = NativeCellRecord | NativeGpuRecord | NativeHeartbeatRecord;

export interface NativeBatch {
  records: NativeRecord[];
}

export interface BatchOptions {
  /** Period of the "daily" sine, ms (default one day; shorten it for demos). */
  readonly dayMs?: number;
  /** Fleet to draw the operator from (default {@link FLEET}). */
  readonly fleet?: readonly SimOperator[];
}

const DAY_MS = 86_400_000;
const KST_OFFSET_MS = 9 * 3_600_000;
const BURST_BUCKET_MS = 5 * 60_000;
const BURST_PROBABILITY = 0.04;

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/**
 * Daily factor in [-1, 1]: +1 at the site's peak hour (KST), −1 twelve hours later.
 * With a shortened `dayMs`, "hours" scale accordingly.
 */
export function dailyFactor(site: SimSite, now: number, dayMs = DAY_MS): number {
  const local = now + (KST_OFFSET_MS * dayMs) / DAY_MS;
  const phase = (((local % dayMs) + dayMs) % dayMs) / dayMs; // 0..1 of the local day
  return Math.cos(2 * Math.PI * (phase - site.peakHourKst / 24));
}

/**
 * Burst multiplier for a cell at `now`: 1 outside bursts, 1.4–1.9 inside. Deterministic in
 * (cellId, 5-minute bucket), so a burst lasts its whole bucket across calls and restarts.
 */
export function burstFactor(cellId: string, now: number): number {
  const bucket = Math.floor(now / BURST_BUCKET_MS);
  const h = hash32(`${cellId}@${bucket}`);
  if ((h % 10_000) / 10_000 >= BURST_PROBABILITY) return 1;
  return 1.4 + ((h >>> 16) % 501) / 1000;
}

/** Target inference load of a cell (GPU time used ÷ GPU time allocated), before noise. */
export function meanInferenceLoad(site: SimSite, cell: SimCell, now: number, dayMs = DAY_MS): number {
  return 0.6 + 0.25 * dailyFactor(site, now, dayMs) + cell.inferenceBias * 0.3;
}

interface CellOutcome {
  readonly record: NativeCellRecord;
  readonly prbDl: number;
}

function cellRecord(site: SimSite, cell: SimCell, ts: string, now: number, intervalMs: number, rng: Prng, dayMs: number): CellOutcome {
  const model = site.gpuNode.model;
  const day = dailyFactor(site, now, dayMs); // −1 … 1
  const busy = (day + 1) / 2; // 0 … 1

  // Radio: PRB use and UEs follow the daily curve; UE throughput falls as the cell fills.
  const prbDl = clamp(18 + 62 * busy + 4 * gaussian(rng), 1, 99);
  const prbUl = clamp(0.45 * prbDl + 3 * gaussian(rng), 0.5, 95);
  const ues = Math.max(0, Math.round(cell.peakUes * (0.15 + 0.85 * busy) * (1 + 0.06 * gaussian(rng))));
  const thpDl = Math.max(1, cell.peakUeThpDlMbps * (1 - 0.65 * (prbDl / 100)) * (1 + 0.08 * gaussian(rng)));
  const thpUl = Math.max(0.5, cell.peakUeThpUlMbps * (1 - 0.55 * (prbUl / 100)) * (1 + 0.1 * gaussian(rng)));

  // Inference: load around the daily mean, with noise and the occasional burst above 1.
  const load = clamp(
    (meanInferenceLoad(site, cell, now, dayMs) + 0.04 * gaussian(rng)) * burstFactor(cell.id, now),
    0.02,
    2.5,
  );
  const gpuMs = load * CELL_GPU_ALLOCATION * intervalMs;
  const requests = Math.max(0, Math.round((gpuMs / model.gpuMsPerRequest) * (1 + 0.03 * gaussian(rng))));
  const tokensPerRequest = 180 + 60 * rng();
  const tokens = Math.round(requests * tokensPerRequest);
  // Queueing: latency grows steeply as the allocation saturates.
  const latency = model.baseLatencyP95Ms * (1 + 0.6 * load ** 3) * (1 + 0.05 * Math.abs(gaussian(rng)));

  return {
    prbDl,
    record: {
      type: 'cell',
      siteId: site.id,
      cellId: cell.id,
      ts,
      intervalMs,
      prbDlPct: round(prbDl, 1),
      prbUlPct: round(prbUl, 1),
      thpDlMbps: round(thpDl, 1),
      thpUlMbps: round(thpUl, 1),
      rrcConnectedUes: ues,
      inferenceRequests: requests,
      inferenceTokens: tokens,
      gpuMs: round(gpuMs, 1),
      latencyP95Ms: round(latency, 1),
    },
  };
}

function gpuRecords(site: SimSite, cells: readonly CellOutcome[], ts: string, intervalMs: number, rng: Prng): NativeGpuRecord[] {
  const { hostname, model, devices } = site.gpuNode;
  const aiGpuMs = cells.reduce((sum, c) => sum + c.record.gpuMs, 0);
  const meanPrb = cells.reduce((sum, c) => sum + c.prbDl, 0) / Math.max(1, cells.length);
  // Share of one device the site's AI work would need if spread evenly.
  const aiPerDevice = aiGpuMs / (devices.length * intervalMs);

  return devices.map((device, index) => {
    // The radio stack (L1/L2 acceleration) runs on gpu0.
    const radioShare = index === 0 ? clamp(0.08 + 0.22 * (meanPrb / 100) + 0.01 * gaussian(rng), 0, 0.6) : 0;
    const aiShare = clamp(aiPerDevice * (1 + 0.05 * gaussian(rng)), 0, 1 - radioShare);
    const busy = radioShare + aiShare;
    const utilPct = clamp(100 * busy + 2 * gaussian(rng), 0, 100);
    // Model weights resident on every device, KV cache growing with AI share, radio buffers on gpu0.
    const memUsedMiB = clamp(
      model.memTotalMiB * (0.35 + 0.45 * aiShare + (index === 0 ? 0.06 : 0)) + 256 * gaussian(rng),
      0,
      model.memTotalMiB,
    );
    const powerW = Math.max(
      0,
      model.idlePowerW + (model.maxPowerW - model.idlePowerW) * (utilPct / 100) * 0.9 + 0.01 * model.maxPowerW * gaussian(rng),
    );
    return {
      type: 'gpu' as const,
      siteId: site.id,
      node: hostname,
      device: device.id,
      ts,
      utilPct: round(utilPct, 1),
      radioShare: round(radioShare, 3),
      aiShare: round(aiShare, 3),
      memUsedMiB: Math.round(memUsedMiB),
      powerW: round(powerW, 1),
      // Air-cooled data-centre GPUs idle near 35 °C and run in the 70s under full load.
      tempC: round(35 + 40 * (utilPct / 100) + gaussian(rng), 1),
    };
  });
}

/**
 * One native batch for one operator: per site, a `cell` record per cell, a `gpu` record per
 * device of its GPU node and a `heartbeat`. Every record is stamped `ts = now` (the end of the
 * interval it covers), so re-sending the batch for the same `now` re-sends the same identities.
 */
export function buildOperatorBatch(
  operator: OperatorId | SimOperator,
  now: number,
  intervalMs: number,
  rng: Prng,
  options: BatchOptions = {},
): NativeBatch {
  if (!Number.isFinite(now)) throw new RangeError(`now must be a finite epoch ms, got ${now}`);
  if (!Number.isInteger(intervalMs) || intervalMs < 1 || intervalMs > 3_600_000) {
    throw new RangeError(`intervalMs must be an integer in 1..3600000, got ${intervalMs}`);
  }
  const op = typeof operator === 'string' ? fleetOperator(operator, options.fleet ?? FLEET) : operator;
  const dayMs = options.dayMs ?? DAY_MS;
  const ts = new Date(now).toISOString();
  const records: NativeRecord[] = [];
  for (const site of op.sites) {
    const cells = site.cells.map((cell) => cellRecord(site, cell, ts, now, intervalMs, rng, dayMs));
    records.push(...cells.map((c) => c.record));
    records.push(...gpuRecords(site, cells, ts, intervalMs, rng));
    records.push({ type: 'heartbeat', siteId: site.id, ts });
  }
  return { records };
}

/** Inference load a cell record implies: gpuMs ÷ (allocated GPUs × interval). */
export function inferenceLoadOf(record: Pick<NativeCellRecord, 'gpuMs' | 'intervalMs'>): number {
  return record.gpuMs / (CELL_GPU_ALLOCATION * record.intervalMs);
}
