/** A backlog read at `t` seconds into a run. */
export interface BacklogReading {
  readonly t: number;
  readonly value: number;
}

export interface BacklogTrend {
  /** Least-squares slope, per second, of the second half's mean backlog per bin. */
  readonly slope: number;
  /** The largest slope that still counts as flat. */
  readonly threshold: number;
  readonly flat: boolean;
}

/**
 * Whether a backlog stopped growing. Only the second half of the run counts (the first is the consumer
 * settling in from an empty backlog). The workload repeats every `binSeconds` (a whole number of
 * rounds: window closes come in bursts, so the backlog saw-tooths with the round), so the readings are
 * first averaged over whole bins, ending with the last reading, which cancels the saw-tooth; the slope
 * is fitted through those means. A consumer that applies less than it is offered grows its backlog by
 * the difference every second, so a threshold of 3 % of the offered rate reads "applies at least 97 % of it".
 * Fewer than two bins in the second half give no slope (NaN), which is not flat.
 */
export function backlogTrend(readings: readonly BacklogReading[], binSeconds: number, threshold: number): BacklogTrend {
  const end = readings.at(-1)?.t ?? 0;
  const bins = Math.floor(end / 2 / binSeconds);
  const from = end - bins * binSeconds;
  const means: BacklogReading[] = [];
  for (let k = 0; k < bins; k++) {
    const [lo, hi] = [from + k * binSeconds, from + (k + 1) * binSeconds];
    const inBin = readings.filter((r) => r.t > lo && r.t <= hi);
    if (inBin.length > 0) means.push({ t: (lo + hi) / 2, value: inBin.reduce((s, r) => s + r.value, 0) / inBin.length });
  }
  const fitted = slope(means);
  return { slope: fitted, threshold, flat: fitted <= threshold };
}

function slope(points: readonly BacklogReading[]): number {
  if (points.length < 2) return NaN;
  const n = points.length;
  const meanT = points.reduce((s, p) => s + p.t, 0) / n;
  const meanV = points.reduce((s, p) => s + p.value, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - meanT) * (p.value - meanV);
    den += (p.t - meanT) ** 2;
  }
  return num / den;
}
