import type { AlertEvent } from '@airan/contracts';
import { alertmanagerWebhook, pagerDutyEvent, toAlertmanagerAlert } from '@airan/rule-engine';
import type { AlertingConfig } from './alerting.config';

export type ReceiverKind = 'webhook' | 'pagerduty' | 'alertmanager';

export interface Receiver {
  readonly name: string;
  readonly kind: ReceiverKind;
  readonly url: string;
  /** The request body for an alert change; secrets (PagerDuty routing key) are added at delivery, never stored. */
  readonly body: (alert: AlertEvent) => unknown;
}

/** The configured receivers: webhooks (Alertmanager v4 body), PagerDuty Events v2, an Alertmanager's push API. */
export function receiversFrom(config: AlertingConfig): Receiver[] {
  const external = config.ALERTING_EXTERNAL_URL.replace(/\/$/, '');
  const receivers: Receiver[] = config.ALERTING_WEBHOOKS.map(({ name, url }) => ({ name, kind: 'webhook' as const, url, body: (alert: AlertEvent) => alertmanagerWebhook(alert, name, external) }));
  if (config.ALERTING_PAGERDUTY_ROUTING_KEY) {
    receivers.push({ name: 'pagerduty', kind: 'pagerduty', url: config.ALERTING_PAGERDUTY_URL, body: (alert) => pagerDutyEvent(alert, '', external) });
  }
  if (config.ALERTING_ALERTMANAGER_URL) {
    receivers.push({
      name: 'alertmanager',
      kind: 'alertmanager',
      url: `${config.ALERTING_ALERTMANAGER_URL.replace(/\/$/, '')}/api/v2/alerts`,
      body: (alert) => [toAlertmanagerAlert(alert, `${external}/v1/alerts?fingerprint=${alert.fingerprint}`)].map(({ status: _, fingerprint: __, ...pushed }) => pushed),
    });
  }
  return receivers;
}
