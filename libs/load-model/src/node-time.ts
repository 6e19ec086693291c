import type { GpuSample } from '@airan/contracts';

export interface NodeGpuTime {
  /** GPU-milliseconds the node's devices spent on AI inference over the window, or null when no device reported an AI share. */
  readonly aiGpuMs: number | null;
  /** GPU-milliseconds spent by the radio stack, or null when no device reported a radio share. */
  readonly radioGpuMs: number | null;
}

/**
 * GPU time of one node over a window from its devices' samples: for each device, the mean of its
 * reported share × the window length; devices add up (a node of 4 GPUs has 4 × window GPU-ms).
 */
export function nodeGpuTime(samples: readonly GpuSample[], windowMs: number): NodeGpuTime {
  const byDevice = new Map<string, GpuSample[]>();
  for (const s of samples) byDevice.set(s.device, [...(byDevice.get(s.device) ?? []), s]);
  const total = (share: 'aiShare' | 'radioShare') => {
    let sum: number | null = null;
    for (const deviceSamples of byDevice.values()) {
      const values = deviceSamples.flatMap((s) => (s[share] === undefined ? [] : [s[share] as number]));
      if (values.length > 0) sum = (sum ?? 0) + (values.reduce((a, b) => a + b, 0) / values.length) * windowMs;
    }
    return sum;
  };
  return { aiGpuMs: total('aiShare'), radioGpuMs: total('radioShare') };
}

export interface CellDemand {
  readonly cellId: string;
  readonly requests: number;
  /** GPU-ms the site attributed to the cell itself, when it did. */
  readonly reportedGpuMs: number | null;
}

/**
 * Splits a node's AI GPU time among its cells that did not report their own: what the reporting
 * cells account for is taken off first, the rest goes in proportion to inference requests, or in
 * equal parts when none were reported.
 */
export function attributeAiTime(nodeAiGpuMs: number, cells: readonly CellDemand[]): Map<string, number> {
  const unreported = cells.filter((c) => c.reportedGpuMs === null);
  const reported = cells.reduce((sum, c) => sum + (c.reportedGpuMs ?? 0), 0);
  const remainder = Math.max(0, nodeAiGpuMs - reported);
  const requests = unreported.reduce((sum, c) => sum + c.requests, 0);
  return new Map(unreported.map((c) => [c.cellId, remainder * (requests > 0 ? c.requests / requests : 1 / unreported.length)]));
}

/** Splits the radio stack's GPU time among the node's cells in proportion to their GPU allocation. */
export function attributeRadioTime(nodeRadioGpuMs: number, cells: ReadonlyArray<{ cellId: string; allocatedGpus: number }>): Map<string, number> {
  const allocated = cells.reduce((sum, c) => sum + c.allocatedGpus, 0);
  return new Map(cells.map((c) => [c.cellId, allocated > 0 ? (nodeRadioGpuMs * c.allocatedGpus) / allocated : 0]));
}
