/** Tumbling event-time windows: [start, start + size). Times are epoch milliseconds. */
export interface WindowBounds {
  readonly start: number;
  readonly end: number;
}

export function windowOf(ts: number, sizeMs: number): WindowBounds {
  const start = Math.floor(ts / sizeMs) * sizeMs;
  return { start, end: start + sizeMs };
}

/**
 * The window a sample belongs to. Samples are stamped at the end of their interval (as 3GPP PM
 * granularity periods are), so a sample at exactly 10:01:00 closes the 10:00–10:01 window:
 * in sample-timestamp terms a window is (start, end].
 */
export function windowOfSample(ts: number, sizeMs: number): WindowBounds {
  return windowOf(ts - 1, sizeMs);
}

/**
 * The watermark of a partition: the largest event time seen minus the allowed out-of-order delay.
 * A window closes once the watermark reaches its end.
 */
export function watermarkOf(maxEventTime: number, outOfOrderMs: number): number {
  return maxEventTime - outOfOrderMs;
}

export function isClosed(window: WindowBounds, watermark: number): boolean {
  return watermark >= window.end;
}

type Interval = { ts: number; intervalMs: number };

/**
 * Milliseconds of [window.start, window.end) covered by at least one sample, where a sample at `ts`
 * with `intervalMs` covers (ts − intervalMs, ts]. Overlaps count once. This is data completeness.
 */
export function coveredMs(window: WindowBounds, samples: readonly Interval[]): number {
  return unionLength(samples.map((s) => [Math.max(window.start, s.ts - s.intervalMs), Math.min(window.end, s.ts)]));
}

/**
 * Milliseconds the samples' own intervals span, overlaps once and not clipped to any window: the
 * time over which their counts (GPU-ms, tokens) were accumulated, so rates stay true for a sample
 * whose interval starts before its window.
 */
export function spannedMs(samples: readonly Interval[]): number {
  return unionLength(samples.map((s) => [s.ts - s.intervalMs, s.ts]));
}

function unionLength(spans: Array<[number, number]>): number {
  const sorted = spans.filter(([from, to]) => to > from).sort((a, b) => a[0] - b[0]);
  let total = 0;
  let reach = -Infinity;
  for (const [from, to] of sorted) {
    if (to <= reach) continue;
    total += to - Math.max(from, reach);
    reach = to;
  }
  return total;
}
