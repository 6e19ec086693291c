/** Types and helpers shared by the alert-latency phases (alerts.bench.ts, prometheus.bench.ts). */

export interface AlertBenchOptions {
  /** Measured crossings per phase. */
  readonly crossings: number;
  readonly gapMs: number;
  readonly jitterMs: number;
  /** How long to wait for the last alerts after the last crossing. */
  readonly timeoutMs: number;
  /** load's window and out-of-order delay for the window phase. */
  readonly windowMs: number;
  readonly outOfOrderMs: number;
  /** Which of `window`, `sample`, `prometheus` to run. */
  readonly phases: ReadonlySet<string>;
}

export interface LatencyFigures {
  /** What the latency is measured from (the end is always "webhook received"). */
  readonly from: string;
  readonly n: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly minMs: number;
  readonly maxMs: number;
}

export interface AlertPhaseResult extends LatencyFigures {
  readonly phase: string;
  readonly kind: 'window' | 'sample' | 'prometheus';
  /** False when the phase could not run (e.g. the API it needs is not built): `note` says why. */
  readonly available: boolean;
  readonly note?: string;
  readonly crossings: number;
  /** Every latency in crossing order, ms; null where no alert came within the timeout. */
  readonly latenciesMs: Array<number | null>;
  /** Firing alerts the receiver got beyond the measured ones (airan lists a group's other firing alerts in each body). */
  readonly unclaimedAlerts?: number;
  /** The same alerts measured from other instants. */
  readonly also: LatencyFigures[];
}

export interface AlertLatencyResult {
  readonly options: Omit<AlertBenchOptions, 'phases'> & { phases: string[] };
  readonly phases: AlertPhaseResult[];
  /** airan ÷ Prometheus, for each airan phase that ran alongside an available Prometheus phase. */
  readonly ratios: Array<{ phase: string; p50: number; p99: number }>;
}

export type AlertProgress = (phase: string, done: number, text: string) => void;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

export function figures(from: string, values: ReadonlyArray<number | null | undefined>): LatencyFigures {
  const sorted = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  return { from, n: sorted.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), minMs: sorted[0] ?? NaN, maxMs: sorted[sorted.length - 1] ?? NaN };
}

export function unavailable(phase: string, kind: AlertPhaseResult['kind'], crossings: number, note: string): AlertPhaseResult {
  return { phase, kind, available: false, note, crossings, latenciesMs: [], also: [], ...figures('', []) };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The pause before crossing i+1: the gap plus a uniform jitter. */
export const pause = (options: AlertBenchOptions) => sleep(options.gapMs + Math.random() * options.jitterMs);
