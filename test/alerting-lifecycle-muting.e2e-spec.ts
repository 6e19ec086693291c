import { fingerprint } from '@airan/rule-engine';
import { alertingLifecycle } from './support/alerting-lifecycle.fixture';

/**
 * The alert lifecycle, muting (see test/support/alerting-lifecycle.fixture.ts for the set-up): silences
 * through firing and resolve, their validation and expiry, and absence: a silent site fires SiteSilent,
 * puts its cell alerts in no-data and inhibits new ones until it reports again. Its own alerting process,
 * a real broker and Postgres; every test has its own sites and cells, so alerts and notification groups
 * never mix.
 */
describe('alerting: the alert lifecycle', () => {
  const lc = alertingLifecycle();
  const { ZERO, at, iso, window, sendWindows, report, sendReport, ops, until, hooksOf, hooksMentioning, pdOf, eventsOf, history, changes, queued, allDelivered, loadHighLabels } = lc;

  beforeAll(() => lc.start());
  afterAll(() => lc.stop());

  describe('silences', () => {
    it('mutes a silenced alert through firing and resolve, and a silence that ends on resolve expires with it', async () => {
      const site = 'lc-silence';
      const cell = `${site}-c1`;
      const fp = fingerprint(loadHighLabels(site, cell));
      const endsAt = new Date(Date.now() + 3_600_000).toISOString();
      const created = await ops('POST', '/internal/v1/silences', { matchers: [`cell="${cell}"`], endsAt, comment: 'cell under maintenance', endsOnResolve: true }, { 'x-airan-actor': 'ops-lee' });
      expect(created.status).toBe(201);
      const silence = created.body;
      expect(silence).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        matchers: [{ name: 'cell', op: '=', value: cell }],
        startsAt: expect.any(Number),
        endsAt: Date.parse(endsAt),
        createdBy: 'ops-lee',
        comment: 'cell under maintenance',
        endsOnResolve: true,
        expiredBy: null,
        createdAt: expect.any(Number),
      });
      expect((await ops('GET', '/internal/v1/silences')).body.silences.map((s: { id: string }) => s.id)).toContain(silence.id);

      await sendWindows(window(site, cell, 0, { inferenceLoad: 1.25 }), window(site, cell, 1, { inferenceLoad: 0.5 }));
      await until(async () => (await changes(fp)).length === 2, 'firing and resolved in history');
      expect(await history(fp)).toEqual([
        { status: 'firing', change: 'state', actor: null, value: 1.25, evaluatedAt: at(0) },
        { status: 'resolved', change: 'state', actor: null, value: 0.5, evaluatedAt: at(1) },
      ]);
      // Both changes were announced on airan.alerts.v1, muted by the silence; no receiver was told of either.
      const [firing, resolved] = await until(() => eventsOf(fp).length === 2 && eventsOf(fp), 'both events on the alerts topic');
      expect(firing).toMatchObject({ status: 'firing', change: 'state', silencedBy: [silence.id], inhibitedBy: null, labels: loadHighLabels(site, cell) });
      expect(resolved).toMatchObject({ status: 'resolved', change: 'state', silencedBy: [silence.id], inhibitedBy: null });
      expect(await queued(fp)).toEqual([]);
      await allDelivered(fp);
      expect(hooksMentioning(fp)).toEqual([]);
      expect(pdOf(fp)).toEqual([]);

      // The resolve ended the silence.
      expect((await ops('GET', '/internal/v1/silences')).body.silences.map((s: { id: string }) => s.id)).not.toContain(silence.id);
      const expired = (await ops('GET', '/internal/v1/silences?expired=true')).body.silences.find((s: { id: string }) => s.id === silence.id);
      expect(expired).toEqual({ ...silence, endsAt: expect.any(Number), expiredBy: 'resolve' });
      expect(expired.endsAt).toBeLessThanOrEqual(Date.now());
      expect(expired.endsAt).toBeGreaterThan(silence.startsAt);
      // An expired silence cannot be expired again.
      expect(await ops('DELETE', `/internal/v1/silences/${silence.id}`)).toMatchObject({ status: 404, body: { error: { code: 'SILENCE_NOT_FOUND' } } });
    });

    it('refuses invalid silences with the offending field, and callers without the ops token', async () => {
      const valid = { matchers: ['cell="lc-silence-c9"'], endsAt: new Date(Date.now() + 3_600_000).toISOString(), comment: 'planned work' };
      const refused = async (body: unknown) => {
        const response = await ops('POST', '/internal/v1/silences', body);
        expect(response.status).toBe(422);
        expect(response.body.error.code).toBe('INVALID_SILENCE');
        return response.body.error.details.map((d: { path: string; code: string }) => `${d.path} ${d.code}`);
      };
      expect(await refused({ ...valid, endsAt: new Date(Date.now() - 60_000).toISOString() })).toEqual(['$.endsAt INVALID_VALUE']);
      expect(await refused({ ...valid, endsAt: 'tomorrow' })).toEqual(['$.endsAt INVALID_VALUE']);
      expect(await refused({ ...valid, endsAt: new Date(Date.now() + 91 * 24 * 3_600_000).toISOString() })).toEqual(['$.endsAt INVALID_VALUE']);
      expect(await refused({ ...valid, matchers: ['cell=~"("'] })).toEqual(['$.matchers[0] INVALID_VALUE']);
      expect(await refused({ ...valid, matchers: ['site="a"', 'not a matcher'] })).toEqual(['$.matchers[1] INVALID_VALUE']);
      expect(await refused({ ...valid, matchers: [] })).toEqual(['$.matchers INVALID_VALUE']);
      expect(await refused({ ...valid, creator: 'me' })).toEqual(['$.creator UNKNOWN_FIELD']);
      expect(await refused({ matchers: valid.matchers, endsAt: valid.endsAt })).toEqual(['$.comment MISSING_FIELD']);

      const anonymous = await fetch(`${lc.alerting.url}/internal/v1/silences`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(valid) });
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toMatchObject({ error: { code: 'MISSING_CREDENTIALS' } });
      const wrongKey = await fetch(`${lc.alerting.url}/internal/v1/silences`, { headers: { authorization: 'Bearer airan_0123456789ab_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });
      expect(wrongKey.status).toBe(401);
      // Nothing refused was stored.
      const all = (await ops('GET', '/internal/v1/silences?expired=true')).body.silences;
      expect(all.filter((s: { comment: string }) => s.comment === 'planned work')).toEqual([]);
    });

    it('tells receivers of an alert still firing when its silence is expired', async () => {
      const site = 'lc-unmute';
      const cell = `${site}-c1`;
      const fp = fingerprint(loadHighLabels(site, cell));
      const created = await ops('POST', '/internal/v1/silences', { matchers: [`cell="${cell}"`], endsAt: new Date(Date.now() + 3_600_000).toISOString(), comment: 'short maintenance' });
      expect(created.status).toBe(201);
      await sendWindows(window(site, cell, 0, { inferenceLoad: 1.25 }));
      await until(async () => (await changes(fp)).length === 1, 'firing in history');
      expect(await queued(fp)).toEqual([]);

      expect((await ops('DELETE', `/internal/v1/silences/${created.body.id}`)).status).toBe(204);
      const [firing] = await until(() => hooksOf(fp).length > 0 && hooksOf(fp), 'the firing alert reaching the webhook once unsilenced');
      expect(firing).toMatchObject({ status: 'firing', alerts: [{ status: 'firing', labels: loadHighLabels(site, cell), startsAt: iso(at(0)), endsAt: ZERO, fingerprint: fp }] });
      expect(await changes(fp)).toEqual(['firing/state', 'firing/unmuted']);

      // Receivers heard it fire, so they hear it resolve.
      await sendWindows(window(site, cell, 1, { inferenceLoad: 0.5 }));
      await until(() => hooksOf(fp).length === 2, 'the resolve reaching the webhook');
      await allDelivered(fp);
      expect(hooksOf(fp).map((w) => w.status)).toEqual(['firing', 'resolved']);
      expect(pdOf(fp).map((e) => e.event_action)).toEqual(['trigger', 'resolve']);
    });

    it('expires a running silence on request, once', async () => {
      const created = await ops('POST', '/internal/v1/silences', { matchers: [{ name: 'site', op: '=~', value: 'lc-expire-.*' }], endsAt: new Date(Date.now() + 3_600_000).toISOString(), comment: 'expire me' });
      expect(created).toMatchObject({ status: 201, body: { matchers: [{ name: 'site', op: '=~', value: 'lc-expire-.*' }], createdBy: 'api', endsOnResolve: false, expiredBy: null } });
      const { id } = created.body;
      expect((await ops('DELETE', `/internal/v1/silences/${id}`)).status).toBe(204);
      expect((await ops('GET', '/internal/v1/silences')).body.silences.map((s: { id: string }) => s.id)).not.toContain(id);
      expect((await ops('GET', '/internal/v1/silences?expired=true')).body.silences.find((s: { id: string }) => s.id === id)).toMatchObject({ id, expiredBy: 'user' });
      expect(await ops('DELETE', `/internal/v1/silences/${id}`)).toMatchObject({ status: 404, body: { error: { code: 'SILENCE_NOT_FOUND' } } });
      expect(await ops('DELETE', '/internal/v1/silences/3f1b8c1e-0000-4000-8000-000000000000')).toMatchObject({ status: 404, body: { error: { code: 'SILENCE_NOT_FOUND' } } });
      // Not a uuid: names no silence (it once reached the uuid column and answered 500).
      expect(await ops('DELETE', '/internal/v1/silences/not-a-uuid')).toMatchObject({ status: 404, body: { error: { code: 'SILENCE_NOT_FOUND' } } });
    });
  });

  describe('absence, no-data and inhibition', () => {
    it('fires SiteSilent for a silent site, puts its cell alerts in no-data, inhibits new ones, and resolves when the site reports', async () => {
      const site = 'lc-absent';
      const replaced = await ops('PUT', '/internal/v1/rules/site-silent', {
        alertname: 'SiteSilent',
        kind: 'absence',
        target: 'site',
        all: [{ metric: 'silenceMs', op: '>=', threshold: 3000 }],
        severity: 'critical',
        annotations: { summary: 'Site {{ $labels.site }} sent no telemetry' },
      });
      expect(replaced).toMatchObject({ status: 200, body: { id: 'site-silent', kind: 'absence', target: 'site', escalateAfterMs: null, labels: {} } });

      const siteLabels = { alertname: 'SiteSilent', severity: 'critical', operator: 'kt', site };
      const siteFp = fingerprint(siteLabels);
      const c1 = fingerprint(loadHighLabels(site, `${site}-c1`));
      const c2 = fingerprint(loadHighLabels(site, `${site}-c2`));

      // A cell alert fires first, then the site's last report arrives.
      await sendWindows(window(site, `${site}-c1`, 0, { inferenceLoad: 1.25 }));
      await until(() => hooksOf(c1).length > 0, 'cell alert firing');
      const lastReport = report(site, { cells: [{ cellId: `${site}-c1`, ts: Date.now(), intervalMs: 15_000, prbDlPct: 40 }] });
      await sendReport(lastReport);

      const [silent] = await until(() => hooksOf(siteFp).length > 0 && hooksOf(siteFp), 'SiteSilent firing');
      expect(silent).toMatchObject({
        status: 'firing',
        groupKey: `{}:{alertname="SiteSilent", site="${site}"}`,
        alerts: [{ status: 'firing', labels: siteLabels, annotations: { summary: `Site ${site} sent no telemetry` }, fingerprint: siteFp }],
      });
      const [siteFiring] = await history(siteFp);
      expect(siteFiring).toMatchObject({ status: 'firing', change: 'state' });
      expect(siteFiring.evaluatedAt - lastReport.receivedAt).toBeGreaterThanOrEqual(3000);
      expect(siteFiring.value).toBeGreaterThanOrEqual(3000);
      // In the same transaction, the cell's alert lost its evidence: no-data, not resolved, and receivers hear nothing of it.
      expect(await changes(c1)).toEqual(['firing/state', 'nodata/state']);
      expect(await queued(c1)).toEqual(['ops-team:firing', 'pagerduty:firing']);

      // A cell alert that starts while its site is silent is a symptom: inhibited by SiteSilent.
      await sendWindows(window(site, `${site}-c2`, 0, { inferenceLoad: 1.25 }));
      await until(async () => (await changes(c2)).length > 0, 'second cell alert in history');
      expect(await changes(c2)).toEqual(['firing/state']);
      const inhibited = await until(() => eventsOf(c2)[0], 'second cell alert on the alerts topic');
      expect(inhibited).toMatchObject({ status: 'firing', inhibitedBy: siteFp, silencedBy: [] });
      expect(await queued(c2)).toEqual([]);

      // The site reports again: SiteSilent resolves.
      await sendReport(report(site, { cells: [{ cellId: `${site}-c1`, ts: Date.now(), intervalMs: 15_000, prbDlPct: 40 }] }));
      const back = await until(() => hooksOf(siteFp)[1], 'SiteSilent resolved');
      expect(back).toMatchObject({ status: 'resolved', alerts: [{ status: 'resolved', labels: siteLabels, fingerprint: siteFp }] });
      expect(await changes(siteFp)).toEqual(['firing/state', 'resolved/state']);
      // Its inhibitor gone, the cell alert that still fires is announced to receivers now (as Alertmanager would).
      const unmuted = await until(() => hooksOf(c2)[0], 'the formerly inhibited cell alert reaching the webhook');
      expect(unmuted).toMatchObject({ status: 'firing', alerts: [{ status: 'firing', labels: loadHighLabels(site, `${site}-c2`), fingerprint: c2 }] });
      expect(await changes(c2)).toEqual(['firing/state', 'firing/unmuted']);
      // The webhook and the alerts topic are separate paths (dispatcher, outbox relay): either may come first.
      const unmutedEvent = await until(() => eventsOf(c2).find((e) => e.change === 'unmuted'), 'the unmuted change on the alerts topic');
      expect(unmutedEvent).toMatchObject({ status: 'firing', inhibitedBy: null, silencedBy: [] });
      await allDelivered(c2);
      expect(hooksOf(c2)).toHaveLength(1);
      expect(pdOf(c2).map((e) => e.event_action)).toEqual(['trigger']);
      await allDelivered(siteFp);
      expect(hooksOf(c1).map((w) => w.status)).toEqual(['firing']);
    });
  });
});
