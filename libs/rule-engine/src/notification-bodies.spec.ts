import type { AlertEvent } from '@airan/contracts';
import { ZERO_TIME, alertmanagerWebhook, pagerDutyEvent, toAlertmanagerAlert } from './notification-bodies';

const firing: AlertEvent = {
  schema: 'airan.alert/1',
  id: 'e1',
  fingerprint: '7147ee8c4a3b6ece',
  ruleId: 'inference-load-high',
  status: 'firing',
  labels: { alertname: 'InferenceLoadHigh', severity: 'warning', operator: 'skt', site: 's1', cell: 'c1' },
  annotations: { summary: 'Inference load 1.2 on cell c1' },
  value: 1.2,
  startsAt: '2026-11-28T09:01:00.000Z',
  endsAt: null,
  evaluatedAt: '2026-11-28T09:01:00.000Z',
  trace: { traceparent: null, sourceTraceIds: [] },
};
const resolved: AlertEvent = { ...firing, id: 'e2', status: 'resolved', value: 0.5, endsAt: '2026-11-28T09:03:00.000Z', evaluatedAt: '2026-11-28T09:03:00.000Z' };

describe('Alertmanager bodies', () => {
  it('use the zero time as endsAt while firing, and the resolve time after', () => {
    expect(toAlertmanagerAlert(firing, 'g').endsAt).toBe(ZERO_TIME);
    expect(toAlertmanagerAlert(resolved, 'g')).toMatchObject({ status: 'resolved', endsAt: '2026-11-28T09:03:00.000Z', startsAt: '2026-11-28T09:01:00.000Z' });
  });

  it('keep one group per alert, so the group key stays stable from firing to resolved', () => {
    const a = alertmanagerWebhook(firing, 'ops', 'http://x');
    const b = alertmanagerWebhook(resolved, 'ops', 'http://x');
    expect(a.groupKey).toBe(b.groupKey);
    expect([a.status, a.notification_reason, b.status, b.notification_reason]).toEqual(['firing', 'alert_firing', 'resolved', 'alert_resolved']);
    expect(a.alerts).toHaveLength(1);
  });
});

describe('PagerDuty Events v2', () => {
  it('triggers with a payload and resolves by the same dedup_key', () => {
    const trigger = pagerDutyEvent(firing, 'rk', 'http://x');
    const resolve = pagerDutyEvent(resolved, 'rk', 'http://x');
    expect(trigger).toMatchObject({ routing_key: 'rk', event_action: 'trigger', dedup_key: 'airan-7147ee8c4a3b6ece', payload: { summary: 'Inference load 1.2 on cell c1', source: 'c1', severity: 'warning', component: 's1', group: 'skt' } });
    expect(resolve).toEqual({ routing_key: 'rk', event_action: 'resolve', dedup_key: 'airan-7147ee8c4a3b6ece' });
  });

  it('maps unknown severities to error', () => {
    expect(pagerDutyEvent({ ...firing, labels: { ...firing.labels, severity: 'page' } }, 'rk', 'http://x')).toMatchObject({ payload: { severity: 'error' } });
  });
});
