import type { EventEnvelope } from './event';

export const ALERT_SCHEMA = 'airan.alert/1';

export type AlertStatus = 'pending' | 'firing' | 'resolved';

/** An alert state change: the value of `airan.alerts.v1`, keyed by fingerprint. */
export interface AlertEvent extends EventEnvelope<typeof ALERT_SCHEMA> {
  /** Alertmanager-compatible fingerprint of the sorted label set. */
  readonly fingerprint: string;
  readonly ruleId: string;
  readonly status: AlertStatus;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly value: number | null;
  readonly startsAt: string;
  readonly endsAt: string | null;
  /** Event time of the evidence that caused this change. */
  readonly evaluatedAt: string;
  /** Trace context: the alerting span and the ingest requests behind it. */
  readonly trace: { readonly traceparent: string | null; readonly sourceTraceIds: readonly string[] };
}
