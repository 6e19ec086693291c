import type { CellSample, CellWindowMetrics } from '@airan/contracts';
import { coveredMs, spannedMs, type WindowBounds } from './window';

export interface CellWindowInput {
  readonly window: WindowBounds;
  /** The cell's samples whose `ts` falls in the window, each identity once. */
  readonly samples: readonly CellSample[];
  /** GPU capacity allocated to the cell, in GPUs (0.25 = a quarter of one GPU). */
  readonly allocatedGpus: number;
  /** The serving GPU node's time attributed to this cell (node-time.ts), when the registry names the node. */
  readonly node?: {
    /** Used only when the cell's own samples report no gpuMs. */
    readonly attributedAiGpuMs: number | null;
    readonly radioGpuMs: number | null;
  };
}

/**
 * The load model of one cell over one window (docs/load-model.md):
 * - inference load = AI GPU-ms ÷ (allocated GPUs × time): the cell's own reported GPU-ms over the time
 *   its samples span, or else its share of the serving node's AI time over the window;
 * - radio load = the radio stack's GPU-ms attributed to the cell ÷ (allocated GPUs × window);
 * - headroom = 1 − radio load − inference load (null when either is unknown).
 */
export function computeCellWindow({ window, samples, allocatedGpus, node }: CellWindowInput): CellWindowMetrics {
  const windowMs = window.end - window.start;
  const covered = coveredMs(window, samples);
  const spanned = spannedMs(samples);
  const reportedGpuMs = sumDefined(samples, 'gpuMs');
  const tokens = sumDefined(samples, 'inferenceTokens') ?? 0;
  const [aiGpuMs, capacityGpuMs] =
    reportedGpuMs !== null && spanned > 0
      ? [reportedGpuMs, allocatedGpus * spanned]
      : node?.attributedAiGpuMs != null
        ? [node.attributedAiGpuMs, allocatedGpus * windowMs]
        : [null, null];
  const inferenceLoad = aiGpuMs === null || capacityGpuMs === null || capacityGpuMs <= 0 ? null : aiGpuMs / capacityGpuMs;
  const radioGpuMs = node?.radioGpuMs ?? null;
  const radioLoad = radioGpuMs === null || allocatedGpus <= 0 ? null : radioGpuMs / (allocatedGpus * windowMs);
  return {
    sampleCount: samples.length,
    aiGpuMs,
    capacityGpuMs,
    radioGpuMs,
    coverage: covered / (window.end - window.start),
    inferenceLoad,
    radioLoad,
    headroom: radioLoad === null || inferenceLoad === null ? null : 1 - radioLoad - inferenceLoad,
    requests: sumDefined(samples, 'inferenceRequests') ?? 0,
    tokens,
    tokensPerSec: spanned === 0 ? 0 : tokens / (spanned / 1000),
    // The worst reported p95: an upper bound (an exact window p95 needs the sites' histograms).
    latencyP95Ms: maxDefined(samples, 'latencyP95Ms'),
    prbDlPct: intervalWeightedMean(samples, 'prbDlPct'),
    prbUlPct: intervalWeightedMean(samples, 'prbUlPct'),
    thpDlMbps: intervalWeightedMean(samples, 'thpDlMbps'),
    thpUlMbps: intervalWeightedMean(samples, 'thpUlMbps'),
    rrcConnectedUes: intervalWeightedMean(samples, 'rrcConnectedUes'),
  };
}

type NumericField = { [K in keyof CellSample]-?: CellSample[K] extends number | undefined ? K : never }[keyof CellSample];

function sumDefined(samples: readonly CellSample[], field: NumericField): number | null {
  let total: number | null = null;
  for (const s of samples) if (s[field] !== undefined) total = (total ?? 0) + (s[field] as number);
  return total;
}

function maxDefined(samples: readonly CellSample[], field: NumericField): number | null {
  let max: number | null = null;
  for (const s of samples) if (s[field] !== undefined) max = Math.max(max ?? -Infinity, s[field] as number);
  return max;
}

function intervalWeightedMean(samples: readonly CellSample[], field: NumericField): number | null {
  let weighted = 0;
  let weights = 0;
  for (const s of samples) {
    if (s[field] === undefined) continue;
    weighted += (s[field] as number) * s.intervalMs;
    weights += s.intervalMs;
  }
  return weights === 0 ? null : weighted / weights;
}
