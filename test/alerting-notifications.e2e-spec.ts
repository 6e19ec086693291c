import { type AlertNotification, fingerprint } from '@airan/rule-engine';
import { alertingLifecycle } from './support/alerting-lifecycle.fixture';
import { ServiceProcess } from './support/service-process';
import { createApiKey } from './support/stack';

const FIELDS = ['attempts', 'createdAt', 'deliveredAt', 'failedAt', 'id', 'kind', 'lastError', 'receiver', 'status'];

/**
 * The notifications sent for an alert, as ops read them in its detail: GET /v1/alerts/{fingerprint}/notifications
 * on the api, forwarded to alerting's internal route. The lifecycle fixture's alerting process (see
 * test/support/alerting-lifecycle.fixture.ts) has four receivers on one local HTTP server: the `ops-team`
 * webhook and PagerDuty, which accept, `broken`, which answers 500 (retried), and `refusing`, which answers
 * 400 (given up); an api forwards to it. A real broker and Postgres.
 */
describe('alerting: the notifications sent for an alert, through the api', () => {
  const lc = alertingLifecycle({ answeringReceivers: { broken: 500, refusing: 400 } });
  const { window, sendWindows, ops, until, hooksOf, pdOf, answered, changes, loadHighLabels } = lc;
  let api: ServiceProcess;
  let opsKey: string;
  let adminKey: string;
  let operatorKey: string;

  beforeAll(async () => {
    await lc.start();
    api = await ServiceProcess.start('api', { ...lc.isolation.env, API_ALERTING_URL: lc.alerting.url });
    [opsKey, adminKey, operatorKey] = (
      await Promise.all([createApiKey(lc.isolation, 'ops', 'noc-kim'), createApiKey(lc.isolation, 'admin', 'root'), createApiKey(lc.isolation, 'operator', 'kt')])
    ).map((k) => k.key);
  });

  afterAll(async () => {
    await api?.stop();
    await lc.stop();
  });

  /** GET on the api with a key ('' for none): status, body as text and as JSON. */
  const get = async (path: string, key = opsKey) => {
    const response = await fetch(`${api.url}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
    const text = await response.text();
    return { status: response.status, text, body: JSON.parse(text) };
  };
  const notificationsOf = async (fp: string, query = '') => {
    const response = await get(`/v1/alerts/${fp}/notifications${query}`);
    expect(response.status).toBe(200);
    return (response.body as { notifications: AlertNotification[] }).notifications;
  };
  const answeredBy = (receiver: string, fp: string) => answered.filter((a) => a.receiver === receiver && a.body.alerts[0].fingerprint === fp);

  it('lists what each receiver was sent, newest first: delivered, retried with the last error, given up', async () => {
    const site = 'nt-deliveries';
    const cell = `${site}-c1`;
    const fp = fingerprint(loadHighLabels(site, cell));

    await sendWindows(window(site, cell, 0, { inferenceLoad: 1.25 }));
    await until(() => hooksOf(fp).length === 1 && pdOf(fp).length === 1 && answeredBy('broken', fp).length >= 2 && answeredBy('refusing', fp).length === 1, 'the firing at every receiver, twice at the broken one');
    await sendWindows(window(site, cell, 1, { inferenceLoad: 0.5 }));
    await until(() => hooksOf(fp).length === 2 && pdOf(fp).length === 2 && answeredBy('refusing', fp).length === 2, 'the resolve at every receiver but the broken one');

    // Delivery is recorded once the receiver answered: wait for the record of what the receivers got.
    const settled = (ns: AlertNotification[]) => ns.filter((n) => n.deliveredAt !== null || n.failedAt !== null).length === 6;
    const notifications = await until(async () => {
      const ns = await notificationsOf(fp);
      return settled(ns) && ns;
    }, 'every delivery and refusal recorded');

    // Queued in receiver order (webhooks as configured, then PagerDuty), the resolve after the firing; newest first.
    expect(notifications.map((n) => `${n.receiver}:${n.status}`)).toEqual([
      'pagerduty:resolved',
      'refusing:resolved',
      'broken:resolved',
      'ops-team:resolved',
      'pagerduty:firing',
      'refusing:firing',
      'broken:firing',
      'ops-team:firing',
    ]);
    for (const n of notifications) {
      expect(Object.keys(n).sort()).toEqual(FIELDS);
      expect(n.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(Date.now() - Date.parse(n.createdAt)).toBeLessThan(120_000);
    }
    const byName = (receiver: string, status: string) => notifications.find((n) => n.receiver === receiver && n.status === status)!;

    // What the receivers that accept got is what is listed as delivered, once each.
    expect(hooksOf(fp).map((w) => w.status)).toEqual(['firing', 'resolved']);
    expect(pdOf(fp).map((e) => e.event_action)).toEqual(['trigger', 'resolve']);
    for (const [receiver, kind] of [
      ['ops-team', 'webhook'],
      ['pagerduty', 'pagerduty'],
    ]) {
      for (const status of ['firing', 'resolved']) {
        const n = byName(receiver, status);
        expect(n).toMatchObject({ kind, deliveredAt: expect.any(String), failedAt: null, attempts: 1, lastError: null });
        expect(Date.parse(n.deliveredAt!)).toBeGreaterThanOrEqual(Date.parse(n.createdAt));
      }
    }

    // The broken receiver's firing is retried (it saw every attempt counted); its resolve waits behind it.
    const broken = byName('broken', 'firing');
    expect(broken).toMatchObject({ kind: 'webhook', deliveredAt: null, failedAt: null, lastError: 'HTTP 500' });
    expect(broken.attempts).toBeGreaterThanOrEqual(2);
    expect(answeredBy('broken', fp).length).toBeGreaterThanOrEqual(broken.attempts);
    expect(answeredBy('broken', fp).every((a) => a.body.status === 'firing')).toBe(true);
    expect(byName('broken', 'resolved')).toMatchObject({ deliveredAt: null, failedAt: null, attempts: 0, lastError: null });

    // A 400 is not retried: each notification to the refusing receiver was given up after one attempt.
    for (const status of ['firing', 'resolved']) {
      const n = byName('refusing', status);
      expect(n).toMatchObject({ kind: 'webhook', deliveredAt: null, failedAt: expect.any(String), attempts: 1, lastError: 'HTTP 400' });
      expect(Date.parse(n.failedAt!)).toBeGreaterThanOrEqual(Date.parse(n.createdAt));
    }

    // Never the receivers' URLs or the bodies sent.
    const raw = (await get(`/v1/alerts/${fp}/notifications`)).text;
    for (const leak of ['url', '127.0.0.1', '/answer/', '/hook', 'body', 'test-key', 'routing_key']) expect(raw).not.toContain(leak);

    // `limit` keeps the newest; admin reads too; alerting's own route answers the same.
    expect((await notificationsOf(fp, '?limit=2')).map((n) => `${n.receiver}:${n.status}`)).toEqual(['pagerduty:resolved', 'refusing:resolved']);
    const asAdmin = await get(`/v1/alerts/${fp}/notifications?limit=3`, adminKey);
    expect([asAdmin.status, asAdmin.body.notifications.map((n: AlertNotification) => n.id)]).toEqual([200, notifications.slice(0, 3).map((n) => n.id)]);
    const internal = await ops('GET', `/internal/v1/alerts/${fp}/notifications?limit=200`);
    expect([internal.status, internal.body.notifications.map((n: AlertNotification) => n.id)]).toEqual([200, notifications.map((n) => n.id)]);
  });

  it('an alert no receiver heard of (silenced) has none; an alert alerting does not know is 404', async () => {
    const site = 'nt-silenced';
    const cell = `${site}-c1`;
    const fp = fingerprint(loadHighLabels(site, cell));
    const silence = await ops('POST', '/internal/v1/silences', { matchers: [`cell="${cell}"`], endsAt: new Date(Date.now() + 3_600_000).toISOString(), comment: 'maintenance' });
    expect(silence.status).toBe(201);
    await sendWindows(window(site, cell, 0, { inferenceLoad: 1.25 }));
    await until(async () => (await changes(fp)).length === 1, 'the muted firing in history');
    expect(await notificationsOf(fp)).toEqual([]);

    const unknown = await get('/v1/alerts/00000000000000ff/notifications');
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'ALERT_NOT_FOUND' } } });
    expect(await ops('GET', '/internal/v1/alerts/00000000000000ff/notifications')).toMatchObject({ status: 404, body: { error: { code: 'ALERT_NOT_FOUND' } } });
  });

  it('refuses a malformed fingerprint and limit naming the field, other roles (403) and no key (401)', async () => {
    const fp = '00000000000000ff';
    for (const bad of ['NOT-HEX', '00FF00FF00FF00FF', '00ff00ff']) {
      expect(await get(`/v1/alerts/${bad}/notifications`)).toMatchObject({ status: 400, body: { error: { code: 'INVALID_PATH_PARAMETER', details: [{ path: 'path.fingerprint', code: 'INVALID_VALUE' }] } } });
      expect(await ops('GET', `/internal/v1/alerts/${bad}/notifications`)).toMatchObject({
        status: 422,
        body: { error: { code: 'INVALID_NOTIFICATIONS_REQUEST', details: [{ path: 'path.fingerprint', code: 'INVALID_VALUE' }] } },
      });
    }
    for (const limit of ['0', '1000', '201', 'many', '1.5']) {
      expect(await get(`/v1/alerts/${fp}/notifications?limit=${limit}`)).toMatchObject({ status: 400, body: { error: { code: 'INVALID_QUERY', details: [{ path: 'query.limit', code: 'INVALID_VALUE' }] } } });
      expect(await ops('GET', `/internal/v1/alerts/${fp}/notifications?limit=${limit}`)).toMatchObject({
        status: 422,
        body: { error: { code: 'INVALID_NOTIFICATIONS_REQUEST', details: [{ path: 'query.limit', code: 'INVALID_VALUE' }] } },
      });
    }
    expect(await get(`/v1/alerts/${fp}/notifications?since=1`)).toMatchObject({ status: 400, body: { error: { code: 'INVALID_QUERY', details: [{ path: 'query.since', code: 'UNKNOWN_FIELD' }] } } });
    expect(await ops('GET', `/internal/v1/alerts/${fp}/notifications?since=1`)).toMatchObject({ status: 422, body: { error: { details: [{ path: 'query.since', code: 'UNKNOWN_FIELD' }] } } });

    expect((await get(`/v1/alerts/${fp}/notifications`, operatorKey)).status).toBe(403);
    expect((await get(`/v1/alerts/${fp}/notifications`, '')).status).toBe(401);
    // Alerting's own route takes the ops token alone.
    expect((await fetch(`${lc.alerting.url}/internal/v1/alerts/${fp}/notifications`)).status).toBe(401);
    expect((await fetch(`${lc.alerting.url}/internal/v1/alerts/${fp}/notifications`, { headers: { authorization: `Bearer ${opsKey}` } })).status).toBe(401);
  });
});
