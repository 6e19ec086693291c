import type { AlertEvent } from '@airan/contracts';
import { ZERO_TIME, alertmanagerWebhook, pagerDutyEvent, toAlertmanagerAlert } from './notification-bodies';

const firing: AlertEvent = {
  schema: 'airan.alert/1',
  id: 'e1',
  fingerprint: '7147ee8c4a3b6ece',
  ruleId: 'inference-load-high',
  status: 'firing',
  change: 'state',
  labels: { alertname: 'InferenceLoadHigh', severity: 'warning', operator: 'skt', site: 's1', cell: 'c1' },
  annotations: { summary: 'Inference load 1.2 on cell c1', runbook: 'https://runbooks/load' },
  value: 1.2,
  startsAt: '2026-11-28T09:01:00.000Z',
  endsAt: null,
  evaluatedAt: '2026-11-28T09:01:00.000Z',
  acknowledgement: null,
  assignee: null,
  escalatedAt: null,
  silencedBy: [],
  inhibitedBy: null,
  flapping: false,
  trace: { traceparent: null, sourceTraceIds: [] },
};
const resolved: AlertEvent = { ...firing, id: 'e2', status: 'resolved', value: 0.5, endsAt: '2026-11-28T09:03:00.000Z', evaluatedAt: '2026-11-28T09:03:00.000Z' };
/** Another cell of the same site, firing. */
const otherCell: AlertEvent = {
  ...firing,
  id: 'e3',
  fingerprint: '0123456789abcdef',
  labels: { ...firing.labels, cell: 'c2' },
  annotations: { summary: 'Inference load 1.5 on cell c2', runbook: 'https://runbooks/load' },
};
const group = { alertname: 'InferenceLoadHigh', site: 's1' };

describe('Alertmanager bodies', () => {
  it('use the zero time as endsAt while firing, and the resolve time after', () => {
    expect(toAlertmanagerAlert(firing, 'g').endsAt).toBe(ZERO_TIME);
    expect(toAlertmanagerAlert(resolved, 'g')).toMatchObject({ status: 'resolved', endsAt: '2026-11-28T09:03:00.000Z', startsAt: '2026-11-28T09:01:00.000Z' });
  });

  it('carry every field of an Alertmanager webhook (version 4), and only those', () => {
    const body = alertmanagerWebhook([firing], group, 'ops', 'http://x');
    expect(body).toEqual({
      version: '4',
      groupKey: '{}:{alertname="InferenceLoadHigh", site="s1"}',
      truncatedAlerts: 0,
      status: 'firing',
      receiver: 'ops',
      groupLabels: group,
      commonLabels: firing.labels,
      commonAnnotations: firing.annotations,
      externalURL: 'http://x',
      notification_reason: 'alert_firing',
      alerts: [
        {
          status: 'firing',
          labels: firing.labels,
          annotations: firing.annotations,
          startsAt: '2026-11-28T09:01:00.000Z',
          endsAt: ZERO_TIME,
          generatorURL: 'http://x/v1/alerts?fingerprint=7147ee8c4a3b6ece',
          fingerprint: '7147ee8c4a3b6ece',
        },
      ],
    });
  });

  it('fire while any alert of the group fires, with the labels and annotations all alerts share', () => {
    const body = alertmanagerWebhook([resolved, otherCell], group, 'ops', 'http://x');
    expect(body.status).toBe('firing');
    expect(body.notification_reason).toBe('alert_firing');
    expect(body.alerts.map((a) => [a.fingerprint, a.status])).toEqual([
      ['7147ee8c4a3b6ece', 'resolved'],
      ['0123456789abcdef', 'firing'],
    ]);
    expect(body.commonLabels).toEqual({ alertname: 'InferenceLoadHigh', severity: 'warning', operator: 'skt', site: 's1' });
    expect(body.commonAnnotations).toEqual({ runbook: 'https://runbooks/load' });
  });

  it('resolve once every alert of the group has resolved, keeping the group key', () => {
    const first = alertmanagerWebhook([firing, otherCell], group, 'ops', 'http://x');
    const last = alertmanagerWebhook([resolved, { ...otherCell, status: 'resolved' }], group, 'ops', 'http://x');
    expect([last.status, last.notification_reason]).toEqual(['resolved', 'alert_resolved']);
    expect(last.groupKey).toBe(first.groupKey);
  });

  it('count pending and nodata alerts as firing, as only resolved ones are over', () => {
    expect(alertmanagerWebhook([{ ...firing, status: 'nodata' }], group, 'ops', 'http://x').status).toBe('firing');
    expect(alertmanagerWebhook([{ ...firing, status: 'pending' }], group, 'ops', 'http://x').status).toBe('firing');
  });
});

describe('PagerDuty Events v2', () => {
  it('triggers with a payload and resolves by the same dedup_key', () => {
    const trigger = pagerDutyEvent(firing, 'rk', 'http://x');
    const resolve = pagerDutyEvent(resolved, 'rk', 'http://x');
    expect(trigger).toMatchObject({ routing_key: 'rk', event_action: 'trigger', dedup_key: 'airan-7147ee8c4a3b6ece', payload: { summary: 'Inference load 1.2 on cell c1', source: 'c1', severity: 'warning', component: 's1', group: 'skt' } });
    expect(resolve).toEqual({ routing_key: 'rk', event_action: 'resolve', dedup_key: 'airan-7147ee8c4a3b6ece' });
  });

  it('acknowledges without a payload when someone acknowledges the alert', () => {
    const ack: AlertEvent = { ...firing, change: 'acknowledged', acknowledgement: { by: 'ana', at: '2026-11-28T09:02:00.000Z', comment: 'on it' } };
    expect(pagerDutyEvent(ack, 'rk', 'http://x')).toEqual({ routing_key: 'rk', event_action: 'acknowledge', dedup_key: 'airan-7147ee8c4a3b6ece' });
  });

  it('re-triggers an escalated alert as critical', () => {
    const escalated: AlertEvent = { ...firing, change: 'escalated', escalatedAt: '2026-11-28T09:16:00.000Z' };
    expect(pagerDutyEvent(escalated, 'rk', 'http://x')).toMatchObject({ event_action: 'trigger', payload: { severity: 'critical' } });
  });

  it('maps unknown severities to error', () => {
    expect(pagerDutyEvent({ ...firing, labels: { ...firing.labels, severity: 'page' } }, 'rk', 'http://x')).toMatchObject({ payload: { severity: 'error' } });
  });
});
