import type { AlertEvent } from '@airan/contracts';

/** Alertmanager's zero time: `endsAt` of an alert that still fires. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

/** One alert as Alertmanager's webhook (version 4) and push API carry it. */
export interface AlertmanagerAlert {
  readonly status: 'firing' | 'resolved';
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly generatorURL: string;
  readonly fingerprint: string;
}

export interface AlertmanagerWebhook {
  readonly version: '4';
  readonly groupKey: string;
  readonly truncatedAlerts: number;
  readonly status: 'firing' | 'resolved';
  readonly receiver: string;
  readonly groupLabels: Record<string, string>;
  readonly commonLabels: Record<string, string>;
  readonly commonAnnotations: Record<string, string>;
  readonly externalURL: string;
  readonly notification_reason: string;
  readonly alerts: AlertmanagerAlert[];
}

export function toAlertmanagerAlert(alert: AlertEvent, generatorURL: string): AlertmanagerAlert {
  const status = alert.status === 'resolved' ? 'resolved' : 'firing';
  return {
    status,
    labels: { ...alert.labels },
    annotations: { ...alert.annotations },
    startsAt: alert.startsAt,
    endsAt: alert.endsAt ?? ZERO_TIME,
    generatorURL,
    fingerprint: alert.fingerprint,
  };
}

/**
 * The body Alertmanager posts to a webhook receiver, for a group of one alert (grouped by alertname and
 * fingerprint, so existing receivers that dedupe on (groupKey, fingerprint, startsAt, status) work).
 */
export function alertmanagerWebhook(alert: AlertEvent, receiver: string, externalURL: string): AlertmanagerWebhook {
  const am = toAlertmanagerAlert(alert, `${externalURL}/v1/alerts?fingerprint=${alert.fingerprint}`);
  const groupLabels = { alertname: alert.labels.alertname ?? alert.ruleId };
  return {
    version: '4',
    groupKey: `{}:{alertname="${groupLabels.alertname}",fingerprint="${alert.fingerprint}"}`,
    truncatedAlerts: 0,
    status: am.status,
    receiver,
    groupLabels,
    commonLabels: am.labels,
    commonAnnotations: am.annotations,
    externalURL,
    notification_reason: am.status === 'resolved' ? 'alert_resolved' : 'alert_firing',
    alerts: [am],
  };
}

const PAGERDUTY_SEVERITY: Record<string, 'critical' | 'error' | 'warning' | 'info'> = { critical: 'critical', warning: 'warning', info: 'info' };

/** A PagerDuty Events API v2 event: trigger while firing, resolve after, one incident per alert (`dedup_key`). */
export function pagerDutyEvent(alert: AlertEvent, routingKey: string, externalURL: string) {
  const resolved = alert.status === 'resolved';
  return {
    routing_key: routingKey,
    event_action: resolved ? 'resolve' : 'trigger',
    dedup_key: `airan-${alert.fingerprint}`,
    ...(resolved
      ? {}
      : {
          payload: {
            summary: alert.annotations.summary ?? alert.labels.alertname ?? alert.ruleId,
            source: alert.labels.cell ?? alert.labels.site ?? 'airan',
            severity: PAGERDUTY_SEVERITY[alert.labels.severity ?? ''] ?? 'error',
            timestamp: alert.startsAt,
            component: alert.labels.site,
            group: alert.labels.operator,
            class: alert.labels.alertname,
            custom_details: { ...alert.labels, ...alert.annotations, value: alert.value },
          },
          links: [{ href: `${externalURL}/v1/alerts?fingerprint=${alert.fingerprint}`, text: 'airan' }],
        }),
  };
}
