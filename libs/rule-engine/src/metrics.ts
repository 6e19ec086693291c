import type { CellLoadWindow, CellSample, GpuSample } from '@airan/contracts';
import type { RuleKind, SampleSource } from './rule.model';

/** The names of T's number fields (optional or nullable included). */
type NumericField<T> = { [K in keyof T]-?: NonNullable<T[K]> extends number ? K : never }[keyof T];

/**
 * The metrics a rule may compare, per kind: the numeric fields of what it is evaluated on, less
 * timestamps and bookkeeping (`revision`, `ts`, `intervalMs`), which measure nothing. Written as records
 * so the compiler flags a metric added to (or removed from) the contracts until it is listed here.
 */
const WINDOW: Record<NumericField<Omit<CellLoadWindow, 'revision'>>, true> = {
  sampleCount: true,
  coverage: true,
  aiGpuMs: true,
  capacityGpuMs: true,
  radioGpuMs: true,
  inferenceLoad: true,
  radioLoad: true,
  headroom: true,
  requests: true,
  tokens: true,
  tokensPerSec: true,
  latencyP95Ms: true,
  prbDlPct: true,
  prbUlPct: true,
  thpDlMbps: true,
  thpUlMbps: true,
  rrcConnectedUes: true,
};

const CELL_SAMPLE: Record<NumericField<Omit<CellSample, 'ts' | 'intervalMs'>>, true> = {
  prbDlPct: true,
  prbUlPct: true,
  thpDlMbps: true,
  thpUlMbps: true,
  rrcConnectedUes: true,
  inferenceRequests: true,
  inferenceTokens: true,
  gpuMs: true,
  latencyP95Ms: true,
};

const GPU_SAMPLE: Record<NumericField<Omit<GpuSample, 'ts'>>, true> = {
  utilPct: true,
  radioShare: true,
  aiShare: true,
  memUsedMiB: true,
  powerW: true,
  tempC: true,
};

/**
 * The metrics a rule of this kind may compare; sample rules need their source (none without one).
 * Absence rules see one derived metric: milliseconds since the site or cell last reported.
 */
export function metricsFor(kind: RuleKind, source?: SampleSource): readonly string[] {
  switch (kind) {
    case 'window':
      return Object.keys(WINDOW);
    case 'sample':
      return source === 'gpu' ? Object.keys(GPU_SAMPLE) : source === 'cell' ? Object.keys(CELL_SAMPLE) : [];
    case 'absence':
      return ['silenceMs'];
  }
}
