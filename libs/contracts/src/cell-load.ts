import type { EventEnvelope } from './event';

export const CELL_LOAD_SCHEMA = 'airan.cell-load/1';

/**
 * The load model's figures for one cell over one window: what `computeCellWindow` (libs/load-model)
 * returns, what load stores in `load.cell_windows`, and the metrics of every `CellLoadWindow`. Defined
 * only here: a field added or removed changes the model's result, the event and the rule metrics
 * (libs/rule-engine/src/metrics.ts) together.
 */
export interface CellWindowMetrics {
  readonly sampleCount: number;
  /** Fraction of the window covered by samples, 0–1. */
  readonly coverage: number;
  /**
   * AI GPU-ms (the cell's own, or its share of the serving node's) and the allocated GPU-ms it is set
   * against: numerator and denominator of the inference load, kept so rollups can weigh cells by capacity.
   */
  readonly aiGpuMs: number | null;
  readonly capacityGpuMs: number | null;
  /** Radio-stack GPU-ms of the serving node attributed to the cell by allocation. */
  readonly radioGpuMs: number | null;
  /** AI GPU time ÷ GPU capacity allocated to the cell; above 1 means demand beyond allocation. */
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

/** One closed event-time window of one cell: the value of `airan.cell-load.v1`, keyed by cellId. */
export interface CellLoadWindow extends EventEnvelope<typeof CELL_LOAD_SCHEMA>, CellWindowMetrics {
  readonly operatorId: string;
  readonly siteId: string;
  readonly cellId: string;
  readonly pilotId: string | null;
  readonly windowStart: string;
  readonly windowEnd: string;
  /** 0 for the first emission; late samples re-open the window and emit revision + 1. */
  readonly revision: number;
  /** Trace ids of the ingest requests whose samples built this window (span links). */
  readonly sourceTraceIds: readonly string[];
}
