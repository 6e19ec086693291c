import type { EventEnvelope } from './event';

export const ALERT_SCHEMA = 'airan.alert/1';

/** The alert's state: Prometheus' pending/firing plus resolved, and Grafana's no-data (its source went silent). */
export type AlertStatus = 'pending' | 'firing' | 'resolved' | 'nodata';

/**
 * What this event announces: a state change, a human (or escalation) acting on the alert, or the end of
 * the silence or inhibition that kept receivers from hearing that it fires (`unmuted`).
 */
export type AlertChangeKind = 'state' | 'acknowledged' | 'unacknowledged' | 'assigned' | 'escalated' | 'unmuted';

export interface Acknowledgement {
  readonly by: string;
  readonly at: string;
  readonly comment: string;
}

/** An alert state change: the value of `airan.alerts.v1`, keyed by fingerprint. */
export interface AlertEvent extends EventEnvelope<typeof ALERT_SCHEMA> {
  /** Alertmanager-compatible fingerprint of the sorted label set. */
  readonly fingerprint: string;
  readonly ruleId: string;
  readonly status: AlertStatus;
  readonly change: AlertChangeKind;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly value: number | null;
  readonly startsAt: string;
  readonly endsAt: string | null;
  /** Event time of the evidence that caused this change. */
  readonly evaluatedAt: string;
  readonly acknowledgement: Acknowledgement | null;
  readonly assignee: string | null;
  readonly escalatedAt: string | null;
  /** Ids of the silences that muted this change's notifications (it still moves through its states). */
  readonly silencedBy: readonly string[];
  /** Fingerprint of the firing alert that inhibits this one (a silent site mutes its cells). */
  readonly inhibitedBy: string | null;
  readonly flapping: boolean;
  /** Trace context: the alerting span and the ingest requests behind it. */
  readonly trace: { readonly traceparent: string | null; readonly sourceTraceIds: readonly string[] };
}
