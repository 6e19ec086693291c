import type { AlertEvent } from '@airan/contracts';
import { groupKey } from './grouping';
import type { Labels } from './labels';

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

/** The label (or annotation) pairs every one of the sets has. */
function common(sets: readonly Labels[]): Record<string, string> {
  const [first = {}, ...rest] = sets;
  return Object.fromEntries(Object.entries(first).filter(([name, value]) => rest.every((set) => set[name] === value)));
}

/**
 * The body Alertmanager posts to a webhook receiver for one notification of a group: `group` holds the
 * group labels (see grouping.ts), so the group key stays the same from the first firing to the last resolve.
 */
export function alertmanagerWebhook(alerts: readonly AlertEvent[], group: Labels, receiver: string, externalURL: string): AlertmanagerWebhook {
  const amAlerts = alerts.map((alert) => toAlertmanagerAlert(alert, `${externalURL}/v1/alerts?fingerprint=${alert.fingerprint}`));
  const status = amAlerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved';
  return {
    version: '4',
    groupKey: groupKey(group),
    truncatedAlerts: 0,
    status,
    receiver,
    groupLabels: { ...group },
    commonLabels: common(amAlerts.map((a) => a.labels)),
    commonAnnotations: common(amAlerts.map((a) => a.annotations)),
    externalURL,
    notification_reason: status === 'resolved' ? 'alert_resolved' : 'alert_firing',
    alerts: amAlerts,
  };
}

const PAGERDUTY_SEVERITY: Record<string, 'critical' | 'error' | 'warning' | 'info'> = { critical: 'critical', warning: 'warning', info: 'info' };

/** What a PagerDuty event does to the alert's incident: an acknowledgement or a resolve carries no payload. */
function pagerDutyAction(alert: AlertEvent): 'trigger' | 'acknowledge' | 'resolve' {
  if (alert.status === 'resolved') return 'resolve';
  return alert.change === 'acknowledged' ? 'acknowledge' : 'trigger';
}

/**
 * A PagerDuty Events API v2 event, one incident per alert (`dedup_key`): trigger while firing, acknowledge
 * when someone acknowledges, resolve after. An escalation re-triggers at critical severity.
 */
export function pagerDutyEvent(alert: AlertEvent, routingKey: string, externalURL: string) {
  const action = pagerDutyAction(alert);
  const severity = alert.change === 'escalated' ? 'critical' : (PAGERDUTY_SEVERITY[alert.labels.severity ?? ''] ?? 'error');
  return {
    routing_key: routingKey,
    event_action: action,
    dedup_key: `airan-${alert.fingerprint}`,
    ...(action !== 'trigger'
      ? {}
      : {
          payload: {
            summary: alert.annotations.summary ?? alert.labels.alertname ?? alert.ruleId,
            source: alert.labels.cell ?? alert.labels.site ?? 'airan',
            severity,
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
