import { metricValue, primaryConditions, type MetricValues } from './conditions';
import { labelValue, type Labels } from './labels';
import type { AlertRule } from './rule.model';

/** The value an alert is described with (`$value`): the metric of the rule's first condition. */
export function describedValue(rule: AlertRule, values: MetricValues): number | null {
  const first = primaryConditions(rule)[0];
  return first ? metricValue(values, first.metric) : null;
}

/** Renders an annotation template: `{{ $value }}` (at most 4 decimals, `n/a` when null) and `{{ $labels.<name> }}`. */
export function renderTemplate(template: string, value: number | null, labels: Labels): string {
  return template.replace(/\{\{\s*\$(value|labels\.([A-Za-z_][A-Za-z0-9_]*))\s*\}\}/g, (_, whole: string, label?: string) =>
    label ? labelValue(labels, label) : value === null ? 'n/a' : String(Number(value.toFixed(4))),
  );
}
