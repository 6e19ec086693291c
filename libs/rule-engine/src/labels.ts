import type { AlertRule } from './rule.model';

export type Labels = Readonly<Record<string, string>>;

/** A Prometheus label name (the classic ASCII form): matchers, rule labels, annotations and `groupBy` use it. */
export const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A label's value, the empty string when missing (as in Alertmanager). Own properties only: `constructor`
 * is a valid label name, and must not read Object.prototype's.
 */
export function labelValue(labels: Labels, name: string): string {
  return Object.hasOwn(labels, name) ? labels[name] : '';
}

/**
 * The labels of a rule's instance for a target: what identifies it (its fingerprint) and what matchers
 * see. The rule's own labels, `alertname` and `severity` win over the target's.
 */
export function instanceLabels(rule: AlertRule, target: Labels): Record<string, string> {
  return { ...target, ...rule.labels, alertname: rule.alertname, severity: rule.severity };
}
