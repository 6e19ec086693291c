import type { AlertEvent } from '@airan/contracts';
import { alertmanagerWebhook, groupLabels, pagerDutyEvent, toAlertmanagerAlert } from '@airan/rule-engine';
import type { AlertingConfig } from '../alerting.config';

export type ReceiverKind = 'webhook' | 'pagerduty' | 'alertmanager';

export interface Receiver {
  readonly name: string;
  readonly kind: ReceiverKind;
  readonly url: string;
  /** Which changes this receiver is told of. */
  readonly hears: (alert: AlertEvent) => boolean;
  /**
   * The request body for a change; `group` holds the other firing alerts of its notification group.
   * Secrets (the PagerDuty routing key) are added at delivery, never stored.
   */
  readonly body: (alert: AlertEvent, group: readonly AlertEvent[], groupBy: readonly string[]) => unknown;
}

/** Firing (including once its muting ends) and resolved: what Alertmanager-style receivers expect. */
const firingOrResolved = (alert: AlertEvent) => alert.change === 'unmuted' || (alert.change === 'state' && (alert.status === 'firing' || alert.status === 'resolved'));
const stateOrEscalation = (alert: AlertEvent) => alert.change === 'escalated' || firingOrResolved(alert);

/** The configured receivers: webhooks (Alertmanager v4 body), PagerDuty Events v2, an Alertmanager's push API. */
export function receiversFrom(config: AlertingConfig): Receiver[] {
  const external = config.ALERTING_EXTERNAL_URL.replace(/\/$/, '');
  const receivers: Receiver[] = config.ALERTING_WEBHOOKS.map(({ name, url }) => ({
    name,
    kind: 'webhook' as const,
    url,
    hears: stateOrEscalation,
    body: (alert: AlertEvent, group: readonly AlertEvent[], groupBy: readonly string[]) => alertmanagerWebhook([alert, ...group], groupLabels(groupBy, alert.labels), name, external),
  }));
  if (config.ALERTING_PAGERDUTY_ROUTING_KEY) {
    receivers.push({
      name: 'pagerduty',
      kind: 'pagerduty',
      url: config.ALERTING_PAGERDUTY_URL,
      // PagerDuty incidents are acknowledged there too; re-triggering re-opens an unacknowledged one.
      hears: (alert) => stateOrEscalation(alert) || alert.change === 'acknowledged' || alert.change === 'unacknowledged',
      body: (alert) => pagerDutyEvent(alert, '', external),
    });
  }
  if (config.ALERTING_ALERTMANAGER_URL) {
    receivers.push({
      name: 'alertmanager',
      kind: 'alertmanager',
      url: `${config.ALERTING_ALERTMANAGER_URL.replace(/\/$/, '')}/api/v2/alerts`,
      // Alertmanager groups, silences and inhibits by itself: it gets each alert's state, nothing else.
      hears: firingOrResolved,
      body: (alert) => [toAlertmanagerAlert(alert, `${external}/v1/alerts?fingerprint=${alert.fingerprint}`)].map(({ status: _, fingerprint: __, ...pushed }) => pushed),
    });
  }
  return receivers;
}
