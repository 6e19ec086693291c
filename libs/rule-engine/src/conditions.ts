import type { AlertRule, Comparison, Condition } from './rule.model';

/** One observation: metric name → value; null or undefined when the metric is not computable. */
export type MetricValues = Readonly<Record<string, number | null | undefined>>;

/** What is kept of an observation for a later one's `dropPct`: the metrics that had a value. */
export type Observation = Readonly<Record<string, number>>;

/** The metric's value, or null when it has none (NaN counts as none). */
export function metricValue(values: MetricValues, metric: string): number | null {
  const value = values[metric];
  return typeof value === 'number' && !Number.isNaN(value) ? value : null;
}

/** The conditions that describe the rule: `all`, or `any` when `all` is empty. */
export function primaryConditions(rule: AlertRule): readonly Condition[] {
  return rule.all.length > 0 ? rule.all : rule.any;
}

/** An observation says something about the rule only if a primary condition's metric has a value. */
export function isComputable(rule: AlertRule, values: MetricValues): boolean {
  return primaryConditions(rule).some((c) => metricValue(values, c.metric) !== null);
}

/**
 * Whether the rule's condition holds: every `all` condition and, if `any` is not empty, one of `any`.
 * `active` (pending or firing) selects the recovery thresholds, so an active alert needs the value to
 * pass further back before it clears (hysteresis). A condition without a value does not hold.
 */
export function conditionHolds(rule: AlertRule, values: MetricValues, previous: Observation, active: boolean): boolean {
  const holds = (c: Condition) => {
    const value = metricValue(values, c.metric);
    const bound = active ? (c.recoveryThreshold ?? c.threshold) : c.threshold;
    return value !== null && compare(c.op, value, bound, previous[c.metric]);
  };
  return rule.all.every(holds) && (rule.any.length === 0 || rule.any.some(holds));
}

function compare(op: Comparison, value: number, bound: number, previous: number | undefined): boolean {
  switch (op) {
    case '>':
      return value > bound;
    case '>=':
      return value >= bound;
    case '<':
      return value < bound;
    case '<=':
      return value <= bound;
    case 'dropPct':
      // A drop is measured against a positive previous value only: from zero there is nothing to fall.
      return previous !== undefined && previous > 0 && ((previous - value) / previous) * 100 >= bound;
  }
}

/** Whether a condition compares with the previous observation (`dropPct`), which must then be kept even while inactive. */
export function usesPrevious(rule: AlertRule): boolean {
  return [...rule.all, ...rule.any].some((c) => c.op === 'dropPct');
}

/** The values of the metrics the rule's conditions use, remembered for the next observation's `dropPct`. */
export function observedValues(rule: AlertRule, values: MetricValues): Record<string, number> {
  return observationOf([...rule.all, ...rule.any].map((c) => c.metric), values);
}

/** The metrics the rules' `dropPct` conditions compare with an earlier observation: what must be kept of each one for the next. */
export function comparedMetrics(rules: readonly AlertRule[]): string[] {
  return [...new Set(rules.flatMap((r) => [...r.all, ...r.any]).filter((c) => c.op === 'dropPct').map((c) => c.metric))].sort();
}

/** The values these metrics have in `values` (those without one are left out). */
export function observationOf(metrics: readonly string[], values: MetricValues): Record<string, number> {
  const observed: Record<string, number> = {};
  for (const metric of metrics) {
    const value = metricValue(values, metric);
    if (value !== null) observed[metric] = value;
  }
  return observed;
}
