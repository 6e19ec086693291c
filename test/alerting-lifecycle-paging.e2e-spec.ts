import { fingerprint } from '@airan/rule-engine';
import { alertingLifecycle } from './support/alerting-lifecycle.fixture';

/**
 * The alert lifecycle, paging (see test/support/alerting-lifecycle.fixture.ts for the set-up):
 * acknowledgement and assignment (on PagerDuty, not on the webhook), and escalation of a firing alert
 * nobody acknowledged. Its own alerting process, a real broker and Postgres; the fixture's local HTTP
 * server is both the webhook receiver and PagerDuty. Every test has its own sites and cells, so alerts
 * and notification groups never mix.
 */
describe('alerting: the alert lifecycle', () => {
  const lc = alertingLifecycle();
  const { EXTERNAL, at, iso, window, sendWindows, ops, until, hooksOf, hooksMentioning, pdOf, eventsOf, history, changes, queued, allDelivered, loadHighLabels } = lc;

  beforeAll(() => lc.start());
  afterAll(() => lc.stop());

  describe('acknowledgement and assignment', () => {
    it('acknowledges on PagerDuty (not on the webhook), assigns, and refuses acting on a resolved alert', async () => {
      const site = 'lc-ack';
      const cell = `${site}-c1`;
      const labels = loadHighLabels(site, cell);
      const fp = fingerprint(labels);
      const summary = `Inference load 1.25 on cell ${cell}`;

      await sendWindows(window(site, cell, 0, { inferenceLoad: 1.25 }));
      const [trigger] = await until(() => pdOf(fp).length > 0 && pdOf(fp), 'PagerDuty trigger');
      expect(trigger).toEqual({
        routing_key: 'test-key',
        event_action: 'trigger',
        dedup_key: `airan-${fp}`,
        payload: {
          summary,
          source: cell,
          severity: 'warning',
          timestamp: iso(at(0)),
          component: site,
          group: 'kt',
          class: 'InferenceLoadHigh',
          custom_details: {
            ...labels,
            summary,
            description: `AI inference used 1.25× the GPU capacity allocated to cell ${cell} at site ${site}; the radio stack may be squeezed.`,
            value: 1.25,
          },
        },
        links: [{ href: `${EXTERNAL}/v1/alerts?fingerprint=${fp}`, text: 'airan' }],
      });
      await until(() => hooksOf(fp).length > 0, 'webhook firing');

      const ack = await ops('POST', `/internal/v1/alerts/${fp}/ack`, { comment: 'throttling inference' }, { 'x-airan-actor': 'ops-kim' });
      expect(ack.status).toBe(200);
      expect(ack.body).toMatchObject({
        fingerprint: fp,
        status: 'firing',
        change: 'acknowledged',
        labels,
        acknowledgement: { by: 'ops-kim', at: expect.any(String), comment: 'throttling inference' },
        assignee: null,
        escalatedAt: null,
      });
      expect(Date.now() - Date.parse(ack.body.acknowledgement.at)).toBeLessThan(60_000);

      const acknowledge = await until(() => pdOf(fp).find((e) => e.event_action === 'acknowledge'), 'PagerDuty acknowledge');
      expect(acknowledge).toEqual({ routing_key: 'test-key', event_action: 'acknowledge', dedup_key: `airan-${fp}` });
      // The acknowledgement was queued for PagerDuty alone: webhooks hear state changes and escalations only.
      expect(await queued(fp)).toEqual(['ops-team:firing', 'pagerduty:firing', 'pagerduty:acknowledged']);
      await allDelivered(fp);
      expect(hooksMentioning(fp).map((w) => w.alerts[0].status)).toEqual(['firing']);
      expect(await until(() => eventsOf(fp).find((e) => e.change === 'acknowledged'), 'acknowledged event on the topic')).toEqual(ack.body);

      const unknown = await ops('POST', '/internal/v1/alerts/00000000000000ff/ack', { comment: 'x' });
      expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'ALERT_NOT_FOUND' } } });
      const badBody = await ops('POST', `/internal/v1/alerts/${fp}/ack`, { comment: 5 });
      expect(badBody).toMatchObject({ status: 422, body: { error: { code: 'INVALID_ACTION', details: [{ path: '$.comment' }] } } });

      const assigned = await ops('POST', `/internal/v1/alerts/${fp}/assign`, { assignee: 'ops-park' }, { 'x-airan-actor': 'ops-kim' });
      expect(assigned.status).toBe(200);
      expect(assigned.body).toMatchObject({ fingerprint: fp, change: 'assigned', assignee: 'ops-park', acknowledgement: { by: 'ops-kim' } });

      await sendWindows(window(site, cell, 1, { inferenceLoad: 0.5 }));
      const resolve = await until(() => pdOf(fp).find((e) => e.event_action === 'resolve'), 'PagerDuty resolve');
      expect(resolve).toEqual({ routing_key: 'test-key', event_action: 'resolve', dedup_key: `airan-${fp}` });
      expect((await history(fp)).map((r) => [r.status, r.change, r.actor])).toEqual([
        ['firing', 'state', null],
        ['firing', 'acknowledged', 'ops-kim'],
        ['firing', 'assigned', 'ops-kim'],
        ['resolved', 'state', null],
      ]);
      await allDelivered(fp);
      expect(hooksOf(fp).map((w) => w.status)).toEqual(['firing', 'resolved']);
      expect(pdOf(fp).map((e) => e.event_action)).toEqual(['trigger', 'acknowledge', 'resolve']);

      const late = await ops('POST', `/internal/v1/alerts/${fp}/ack`, { comment: 'too late' }, { 'x-airan-actor': 'ops-kim' });
      expect(late).toMatchObject({ status: 409, body: { error: { code: 'ALERT_NOT_ACTIVE' } } });
      expect(await ops('POST', `/internal/v1/alerts/${fp}/assign`, { assignee: 'ops-park' })).toMatchObject({ status: 409, body: { error: { code: 'ALERT_NOT_ACTIVE' } } });
    });
  });

  describe('escalation', () => {
    it('escalates a firing alert nobody acknowledged, once, to the webhook and to PagerDuty at critical', async () => {
      const site = 'lc-escalate';
      const cell = `${site}-c1`;
      const put = await ops('PUT', '/internal/v1/rules/load-escalating', {
        alertname: 'LoadEscalating',
        all: [{ metric: 'inferenceLoad', op: '>', threshold: 0.95 }],
        scope: [`cell="${cell}"`],
        escalateAfterMs: 1000,
        annotations: { summary: 'Load {{ $value }} on {{ $labels.cell }}' },
      });
      expect(put).toMatchObject({ status: 201, body: { kind: 'window', severity: 'warning', escalateAfterMs: 1000, scope: [{ name: 'cell', op: '=', value: cell }] } });
      const labels = { alertname: 'LoadEscalating', severity: 'warning', operator: 'kt', site, cell };
      const fp = fingerprint(labels);

      await sendWindows(window(site, cell, 0, { inferenceLoad: 1.25 }));
      const escalation = await until(() => hooksOf(fp)[1], 'escalation on the webhook');
      const [firing] = hooksOf(fp);
      expect(firing).toMatchObject({ status: 'firing', alerts: [{ status: 'firing', labels, annotations: { summary: `Load 1.25 on ${cell}` } }] });
      expect(escalation).toMatchObject({
        status: 'firing',
        alerts: [{ status: 'firing', labels, annotations: { summary: `Load 1.25 on ${cell}`, escalation: `not acknowledged since ${iso(at(0))}` }, fingerprint: fp }],
      });
      const triggers = await until(() => pdOf(fp).length === 2 && pdOf(fp), 'second PagerDuty trigger');
      expect(triggers.map((e) => [e.event_action, e.payload?.severity])).toEqual([
        ['trigger', 'warning'],
        ['trigger', 'critical'],
      ]);
      expect(await changes(fp)).toEqual(['firing/state', 'firing/escalated']);
      const { rows } = await lc.db.query<{ waited: number }>('SELECT (extract(epoch FROM escalated_at - firing_wall_at) * 1000)::float8 AS waited FROM alerting.alert_instances WHERE fingerprint = $1', [fp]);
      expect(rows[0].waited).toBeGreaterThanOrEqual(1000);

      // Escalated once: the resolve is the next and last thing receivers hear.
      await sendWindows(window(site, cell, 1, { inferenceLoad: 0.5 }));
      await until(async () => (await changes(fp)).length === 3, 'resolve in history');
      expect(await changes(fp)).toEqual(['firing/state', 'firing/escalated', 'resolved/state']);
      await allDelivered(fp);
      expect(hooksOf(fp).map((w) => [w.status, w.alerts[0].annotations.escalation ?? null])).toEqual([
        ['firing', null],
        ['firing', `not acknowledged since ${iso(at(0))}`],
        ['resolved', null],
      ]);
      expect(pdOf(fp).map((e) => e.event_action)).toEqual(['trigger', 'trigger', 'resolve']);
    });

    it('does not escalate an acknowledged alert', async () => {
      const site = 'lc-escalate-acked';
      const [acked, ignored] = [`${site}-c1`, `${site}-c2`];
      const put = await ops('PUT', '/internal/v1/rules/load-escalating-acked', {
        alertname: 'LoadEscalatingAcked',
        all: [{ metric: 'inferenceLoad', op: '>', threshold: 0.95 }],
        scope: [`cell=~"${site}-c[12]"`],
        escalateAfterMs: 2000,
      });
      expect(put.status).toBe(201);
      const fpOf = (cell: string) => fingerprint({ alertname: 'LoadEscalatingAcked', severity: 'warning', operator: 'kt', site, cell });

      await sendWindows(window(site, acked, 0, { inferenceLoad: 1.25 }));
      await until(async () => (await changes(fpOf(acked))).length > 0, 'firing in history');
      const ack = await ops('POST', `/internal/v1/alerts/${fpOf(acked)}/ack`, {}, { 'x-airan-actor': 'ops-kim' });
      expect(ack).toMatchObject({ status: 200, body: { change: 'acknowledged', escalatedAt: null } });

      // A second alert of the rule fires after the acknowledgement, so it falls due after the first one: the tick
      // that escalates it would have escalated the first one too, had it not been acknowledged.
      await sendWindows(window(site, ignored, 0, { inferenceLoad: 1.25 }));
      await until(async () => (await changes(fpOf(ignored))).includes('firing/escalated'), 'the second alert escalated');
      expect(await changes(fpOf(acked))).toEqual(['firing/state', 'firing/acknowledged']);
      await allDelivered(fpOf(acked));
      expect(pdOf(fpOf(acked)).map((e) => e.event_action)).toEqual(['trigger', 'acknowledge']);
      expect(hooksOf(fpOf(acked)).map((w) => w.status)).toEqual(['firing']);
    });
  });
});
