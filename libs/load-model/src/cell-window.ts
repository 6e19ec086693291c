import type { CellSample } from '@airan/contracts';
import { coveredMs, spannedMs, type WindowBounds } from './window';

export interface CellWindowInput {
  readonly window: WindowBounds;
  /** The cell's samples whose `ts` falls in the window, each identity once. */
  readonly samples: readonly CellSample[];
  /** GPU capacity allocated to the cell, in GPUs (0.25 = a quarter of one GPU). */
  readonly allocatedGpus: number;
}

export interface CellWindowMetrics {
  readonly sampleCount: number;
  readonly coverage: number;
  readonly inferenceLoad: number | null;
  readonly radioLoad: number | null;
  readonly headroom: number | null;
  readonly requests: number;
  readonly tokens: number;
  readonly tokensPerSec: number;
  readonly latencyP95Ms: number | null;
  readonly prbDlPct: number | null;
  readonly prbUlPct: number | null;
  readonly thpDlMbps: number | null;
  readonly thpUlMbps: number | null;
  readonly rrcConnectedUes: number | null;
}

/**
 * The load model of one cell over one window (docs/load-model.md):
 * inference load = AI GPU-ms ÷ (allocated GPUs × ms the samples span); radio load comes from the serving GPU
 * node once the registry maps cells to nodes, until then it is unknown and so is headroom.
 */
export function computeCellWindow({ window, samples, allocatedGpus }: CellWindowInput): CellWindowMetrics {
  const covered = coveredMs(window, samples);
  const spanned = spannedMs(samples);
  const gpuMs = sumDefined(samples, 'gpuMs');
  const tokens = sumDefined(samples, 'inferenceTokens') ?? 0;
  const inferenceLoad = gpuMs === null || spanned === 0 || allocatedGpus <= 0 ? null : gpuMs / (allocatedGpus * spanned);
  const radioLoad: number | null = null;
  return {
    sampleCount: samples.length,
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
