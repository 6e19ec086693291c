import { parse as parseYaml } from 'yaml';
import type { GpuSample } from '@airan/contracts';
import { fingerprint } from '@airan/rule-engine';
import { alertingLifecycle } from './support/alerting-lifecycle.fixture';

/**
 * The alert lifecycle, rules (see test/support/alerting-lifecycle.fixture.ts for the set-up): sample
 * rules on raw reports and the rules API (YAML included), grouping of notifications, and flap damping.
 * Its own alerting process, a real broker and Postgres; windows and raw reports are produced straight
 * onto their topics. Every test has its own sites and cells, so alerts and notification groups never mix.
 */
describe('alerting: the alert lifecycle', () => {
  const lc = alertingLifecycle();
  const { EXTERNAL, ZERO, at, iso, window, sendWindows, report, sendReport, ops, until, hooksOf, pdOf, eventsOf, history, changes, allDelivered, loadHighLabels } = lc;

  beforeAll(() => lc.start());
  afterAll(() => lc.stop());

  describe('sample rules and the rules API', () => {
    const rule = { alertname: 'GpuPowerHigh', kind: 'sample', source: 'gpu', all: [{ metric: 'powerW', op: '>', threshold: 600 }], severity: 'critical' };
    const withDefaults = {
      id: 'gpu-power-high',
      ...rule,
      any: [],
      scope: [],
      forMs: 0,
      keepFiringForMs: 0,
      flap: { windowMs: 600_000, maxTransitions: 4 },
      groupBy: ['alertname', 'site'],
      escalateAfterMs: null,
      labels: {},
      annotations: {},
      enabled: true,
    };

    it('refuses invalid rules with the offending field', async () => {
      const refused = async (id: string, body: unknown) => {
        const response = await ops('PUT', `/internal/v1/rules/${id}`, body);
        expect(response.status).toBe(422);
        expect(response.body.error.code).toBe('INVALID_RULE');
        return response.body.error.details.map((d: { path: string }) => d.path);
      };
      expect(await refused('gpu-bad', { ...rule, all: [{ metric: 'fanRpm', op: '>', threshold: 1 }] })).toEqual(['$.all[0].metric']);
      expect(await refused('gpu-bad', { ...rule, source: undefined })).toEqual(['$.source']);
      expect(await refused('gpu-bad', { ...rule, any: [{ metric: 'powerW', op: '~', threshold: 1 }] })).toEqual(['$.any[0].op']);
      expect(await refused('gpu-bad', { ...rule, labels: { site: 'x' } })).toEqual(['$.labels.site']);
      expect(await refused('gpu-bad', { ...rule, color: 'red' })).toEqual(['$.color']);
      expect(await refused('gpu-bad', { ...rule, id: 'other-id' })).toEqual(['$.id']);
      expect(await refused('Bad_Id', rule)).toEqual(['$.id']);
      expect(await ops('GET', '/internal/v1/rules/gpu-bad')).toMatchObject({ status: 404, body: { error: { code: 'RULE_NOT_FOUND' } } });
    });

    it('creates a sample rule, fires and resolves on raw GPU samples, round-trips YAML, and resolves the alert of a deleted rule', async () => {
      const site = 'lc-sample';
      const created = await ops('PUT', '/internal/v1/rules/gpu-power-high', rule);
      expect(created.status).toBe(201);
      expect(created.body).toEqual(withDefaults);
      // The same PUT again replaces it.
      expect(await ops('PUT', '/internal/v1/rules/gpu-power-high', rule)).toMatchObject({ status: 200, body: withDefaults });

      // parseRule adds no labels of its own (the shipped rules' team label is theirs): the sample's place and the rule's name.
      const labels = { alertname: 'GpuPowerHigh', severity: 'critical', operator: 'kt', site, node: 'lc-gpu-node-1', gpu: 'GPU-0' };
      const fp = fingerprint(labels);
      const gpu = (ts: number, powerW: number): GpuSample => ({ node: 'lc-gpu-node-1', device: 'GPU-0', ts, powerW });
      const ts0 = Date.now() - 60_000;
      await sendReport(report(site, { gpus: [gpu(ts0, 700)] }));
      const [firing] = await until(() => hooksOf(fp).length > 0 && hooksOf(fp), 'webhook firing');
      const amAlert = { labels, annotations: {}, startsAt: iso(ts0), generatorURL: `${EXTERNAL}/v1/alerts?fingerprint=${fp}`, fingerprint: fp };
      const common = {
        version: '4',
        groupKey: `{}:{alertname="GpuPowerHigh", site="${site}"}`,
        truncatedAlerts: 0,
        receiver: 'ops-team',
        groupLabels: { alertname: 'GpuPowerHigh', site },
        commonLabels: labels,
        commonAnnotations: {},
        externalURL: EXTERNAL,
      };
      expect(firing).toEqual({ ...common, status: 'firing', notification_reason: 'alert_firing', alerts: [{ ...amAlert, status: 'firing', endsAt: ZERO }] });

      await sendReport(report(site, { gpus: [gpu(ts0 + 15_000, 500)] }));
      const resolved = await until(() => hooksOf(fp)[1], 'webhook resolved');
      expect(resolved).toEqual({ ...common, status: 'resolved', notification_reason: 'alert_resolved', alerts: [{ ...amAlert, status: 'resolved', endsAt: iso(ts0 + 15_000) }] });

      // Export, then import a changed threshold.
      const exported = await ops('GET', '/internal/v1/rules/export');
      expect(exported.status).toBe(200);
      expect(exported.contentType).toMatch(/^application\/yaml/);
      const doc = parseYaml(exported.text) as { rules: Array<{ id: string }> };
      expect(doc.rules.find((r) => r.id === 'gpu-power-high')).toEqual(withDefaults);
      expect(doc.rules.map((r) => r.id)).toEqual(expect.arrayContaining(['inference-load-high', 'site-silent', 'gpu-power-high']));

      const badImport = await ops('POST', '/internal/v1/rules/import', 'rules:\n  - id: gpu-power-high\n    alertname: GpuPowerHigh\n    kind: sample\n    source: gpu\n    all:\n      - { metric: wattage, op: ">", threshold: 650 }\n');
      expect(badImport).toMatchObject({ status: 422, body: { error: { code: 'INVALID_RULES_YAML', details: [{ path: '$.rules[0].all[0].metric' }] } } });
      const brokenYaml = await ops('POST', '/internal/v1/rules/import', 'rules:\n  - id: [unclosed\n');
      expect(brokenYaml).toMatchObject({ status: 422, body: { error: { code: 'INVALID_RULES_YAML', details: [{ path: '$', message: expect.stringMatching(/^YAML syntax error at line \d+, column \d+/) }] } } });

      const yaml = [
        'rules:',
        '  - id: gpu-power-high',
        '    alertname: GpuPowerHigh',
        '    kind: sample',
        '    source: gpu',
        '    all:',
        '      - metric: powerW',
        "        op: '>'",
        '        threshold: 650',
        '    severity: critical',
        '',
      ].join('\n');
      const imported = await ops('POST', '/internal/v1/rules/import', yaml);
      expect(imported).toMatchObject({ status: 200, body: { created: [], updated: ['gpu-power-high'], deleted: [] } });
      const stored = await ops('GET', '/internal/v1/rules/gpu-power-high');
      expect(stored).toMatchObject({ status: 200, body: { ...withDefaults, all: [{ metric: 'powerW', op: '>', threshold: 650 }] } });

      // 640 fired under the old threshold, not under the new one; 700 does.
      await sendReport(report(site, { gpus: [gpu(ts0 + 30_000, 640)] }));
      await sendReport(report(site, { gpus: [gpu(ts0 + 45_000, 700)] }));
      await until(() => hooksOf(fp).length === 3, 'webhook firing again');
      expect((await history(fp)).map((r) => [r.status, r.value])).toEqual([
        ['firing', 700],
        ['resolved', 500],
        ['firing', 700],
      ]);

      // Deleting the rule resolves its firing alert: receivers are not left with it firing forever.
      expect((await ops('DELETE', '/internal/v1/rules/gpu-power-high')).status).toBe(204);
      const retired = await until(() => hooksOf(fp)[3], 'webhook resolved after delete');
      expect(retired).toMatchObject({ status: 'resolved', alerts: [{ ...amAlert, startsAt: iso(ts0 + 45_000), status: 'resolved' }] });
      expect(await ops('GET', '/internal/v1/rules/gpu-power-high')).toMatchObject({ status: 404, body: { error: { code: 'RULE_NOT_FOUND' } } });
      expect(await ops('DELETE', '/internal/v1/rules/gpu-power-high')).toMatchObject({ status: 404, body: { error: { code: 'RULE_NOT_FOUND' } } });
      expect((await history(fp)).map((r) => r.status)).toEqual(['firing', 'resolved', 'firing', 'resolved']);
      await allDelivered(fp);
      expect(hooksOf(fp).map((w) => w.status)).toEqual(['firing', 'resolved', 'firing', 'resolved']);
    });
  });

  describe('grouping', () => {
    it('sends each change with the other firing alerts of its group (alertname and site), with the labels they share', async () => {
      const site = 'lc-group';
      const [a, b] = [`${site}-c1`, `${site}-c2`].map((cell) => ({ cell, labels: loadHighLabels(site, cell), fp: fingerprint(loadHighLabels(site, cell)) }));
      await sendWindows(window(site, a.cell, 0, { inferenceLoad: 1.25 }));
      await until(() => hooksOf(a.fp).length === 1, 'first alert of the group');
      await allDelivered(a.fp);
      await sendWindows(window(site, b.cell, 0, { inferenceLoad: 1.5 }));
      const second = await until(() => hooksOf(b.fp)[0], 'second alert of the group');
      const { cell: _, ...shared } = a.labels;
      expect(second).toMatchObject({
        status: 'firing',
        groupKey: `{}:{alertname="InferenceLoadHigh", site="${site}"}`,
        groupLabels: { alertname: 'InferenceLoadHigh', site },
        commonLabels: shared,
      });
      expect(second.alerts.map((alert) => [alert.fingerprint, alert.status])).toEqual([
        [b.fp, 'firing'],
        [a.fp, 'firing'],
      ]);

      // The first resolves: its notice lists the second, still firing; the group's status stays firing.
      await sendWindows(window(site, a.cell, 1, { inferenceLoad: 0.5 }));
      const resolved = await until(() => hooksOf(a.fp)[1], 'resolve of the first alert');
      expect(resolved.status).toBe('firing');
      expect(resolved.alerts.map((alert) => [alert.fingerprint, alert.status])).toEqual([
        [a.fp, 'resolved'],
        [b.fp, 'firing'],
      ]);
    });
  });

  describe('flap damping', () => {
    it('lets the first transitions through, holds the flapping alert firing, and resolves it after a quiet flap window', async () => {
      const site = 'lc-flap';
      const cell = `${site}-c1`;
      const put = await ops('PUT', '/internal/v1/rules/uplink-busy', {
        alertname: 'UplinkBusy',
        all: [{ metric: 'prbUlPct', op: '>', threshold: 50 }],
        scope: [`cell="${cell}"`],
        flap: { windowMs: 600_000, maxTransitions: 4 },
      });
      expect(put.status).toBe(201);
      const fp = fingerprint({ alertname: 'UplinkBusy', severity: 'warning', operator: 'kt', site, cell });

      // Minutes 0..10 toggle above and below (rule-state.spec's sequence), then quiet until minute 20.
      const toggling = Array.from({ length: 11 }, (_, k) => window(site, cell, k, { prbUlPct: k % 2 === 0 ? 90 : 10 }));
      const quiet = Array.from({ length: 10 }, (_, i) => window(site, cell, 11 + i, { prbUlPct: 10 }));
      await sendWindows(...toggling, ...quiet);
      await until(async () => (await changes(fp)).length === 6, 'the flapping episode to resolve');
      expect((await history(fp)).map((r) => [r.status, r.evaluatedAt])).toEqual([
        ['firing', at(0)],
        ['resolved', at(1)],
        ['firing', at(2)],
        ['resolved', at(3)],
        ['firing', at(4)],
        ['resolved', at(20)],
      ]);
      const events = await until(() => eventsOf(fp).length === 6 && eventsOf(fp), 'six events on the alerts topic');
      expect(events.map((e) => [e.status, e.flapping])).toEqual([
        ['firing', false],
        ['resolved', false],
        ['firing', false],
        ['resolved', false],
        ['firing', true],
        ['resolved', true],
      ]);

      // The receiver sees exactly these six notifications, in this order.
      await allDelivered(fp);
      expect(hooksOf(fp).map((w) => [w.status, w.status === 'firing' ? w.alerts[0].startsAt : w.alerts[0].endsAt])).toEqual([
        ['firing', iso(at(0))],
        ['resolved', iso(at(1))],
        ['firing', iso(at(2))],
        ['resolved', iso(at(3))],
        ['firing', iso(at(4))],
        ['resolved', iso(at(20))],
      ]);
      expect(pdOf(fp).map((e) => e.event_action)).toEqual(['trigger', 'resolve', 'trigger', 'resolve', 'trigger', 'resolve']);
    });
  });
});
