import type { AlertEvent } from '@airan/contracts';
import { metricTotal } from './support/metrics';
import { ServiceProcess } from './support/service-process';
import { createApiKey, eventually, isolate } from './support/stack';
import { alertEvent } from './support/stream-events';
import { TopicWriter } from './support/topic-writer';

type Page = { alerts: AlertEvent[]; nextCursor: string | null };
type ErrorBody = { error: { code: string; details: Array<{ path: string }> } };

/**
 * `GET /v1/alerts` a page at a time, against the built api reading alert events written straight to
 * the alert topic: keyset pages in the list's order, with nothing skipped or repeated, `active`, and
 * every refused cursor; and an event of a schema version the api does not read, skipped loudly.
 */
describe('api: current alerts, page by page', () => {
  const isolation = isolate();
  let api: ServiceProcess;
  let writer: TopicWriter;
  let ops: string;
  const base = Date.parse('2026-12-01T00:00:00Z');
  // 25 alerts: two share each event time (the fingerprint breaks the tie), every fifth is resolved.
  const alerts = Array.from({ length: 25 }, (_, i) => {
    const at = new Date(base + Math.floor(i / 2) * 60_000).toISOString();
    return { ...alertEvent({ operator: 'skt', site: `skt-s${i}`, cell: `skt-s${i}-c1`, severity: 'warning' }), status: i % 5 === 0 ? 'resolved' : 'firing', startsAt: at, evaluatedAt: at } as AlertEvent;
  });
  const newestFirst = (list: AlertEvent[]) => [...list].sort((a, b) => b.evaluatedAt.localeCompare(a.evaluatedAt) || b.fingerprint.localeCompare(a.fingerprint)).map((a) => a.fingerprint);

  const get = (query: string) => fetch(`${api.url}/v1/alerts?${query}`, { headers: { authorization: `Bearer ${ops}` } });
  const page = async (query: string): Promise<Page> => {
    const response = await get(query);
    expect(response.status).toBe(200);
    return (await response.json()) as Page;
  };
  const everyPage = async (query: string) => {
    const pages: Page[] = [await page(query)];
    while (pages.at(-1)!.nextCursor) pages.push(await page(`${query}&cursor=${encodeURIComponent(pages.at(-1)!.nextCursor!)}`));
    return pages;
  };
  const refusal = async (query: string) => {
    const response = await get(query);
    return { status: response.status, body: (await response.json()) as ErrorBody };
  };

  beforeAll(async () => {
    writer = await TopicWriter.open(isolation);
    api = await ServiceProcess.start('api', isolation.env);
    ops = (await createApiKey(isolation, 'ops', 'noc-kim')).key;
    await writer.send('alerts', alerts, (a) => (a as AlertEvent).fingerprint);
    await eventually(async () => expect((await page('limit=1000')).alerts).toHaveLength(alerts.length));
  });

  afterAll(async () => {
    await api?.stop();
    await writer?.close();
  });

  it('lists every alert once across pages, newest evidence first, ties by fingerprint, and says when there is no next page', async () => {
    const pages = await everyPage('limit=10');
    expect(pages.map((p) => p.alerts.length)).toEqual([10, 10, 5]);
    expect(pages.at(-1)!.nextCursor).toBeNull();
    expect(pages.flatMap((p) => p.alerts.map((a) => a.fingerprint))).toEqual(newestFirst(alerts));
  });

  it('gives no next page when the last page is exactly full', async () => {
    const active = alerts.filter((a) => a.status !== 'resolved');
    const pages = await everyPage(`active=true&limit=${active.length / 2}`);
    expect(pages.map((p) => p.alerts.length)).toEqual([10, 10]);
    expect(pages.flatMap((p) => p.alerts.map((a) => a.fingerprint))).toEqual(newestFirst(active));
  });

  it('selects every status but resolved with active=true, and resolved only with active=false', async () => {
    expect((await page('active=false&limit=1000')).alerts.map((a) => a.fingerprint)).toEqual(newestFirst(alerts.filter((a) => a.status === 'resolved')));
    expect((await page('active=true&limit=1000')).alerts.every((a) => a.status !== 'resolved')).toBe(true);
  });

  it.each([
    ['not base64 JSON', 'cursor=%%%'],
    ['a forged document', `cursor=${Buffer.from(JSON.stringify({ v: 1, e: 'yesterday', f: 'nope', b: 'x' })).toString('base64url')}`],
    ['too long', `cursor=${'a'.repeat(513)}`],
  ])('refuses a cursor that is %s with 400 INVALID_QUERY at query.cursor', async (_, query) => {
    const { status, body } = await refusal(`limit=5&${query}`);
    expect(status).toBe(400);
    expect(body.error.code).toBe('INVALID_QUERY');
    expect(body.error.details.map((d) => d.path)).toEqual(['query.cursor']);
  });

  it('refuses a cursor with filters other than those of the listing that issued it', async () => {
    const { nextCursor } = await page('active=true&limit=5');
    const { status, body } = await refusal(`active=false&limit=5&cursor=${encodeURIComponent(nextCursor!)}`);
    expect(status).toBe(400);
    expect(body.error.details).toEqual([expect.objectContaining({ path: 'query.cursor', message: 'the cursor belongs to a listing with other filters' })]);
  });

  it('skips an alert event of a schema version it does not read (counted), and applies the next one', async () => {
    const [future, next] = [alertEvent({ operator: 'kt', site: 'kt-v2', cell: 'kt-v2-c1', severity: 'critical' }), alertEvent({ operator: 'kt', site: 'kt-v1', cell: 'kt-v1-c1', severity: 'critical' })];
    // Same key, so the same partition, in this order: the skipped event must not block the one behind it.
    await writer.send('alerts', [{ ...future, schema: 'airan.alert/2' }, { ...next, fingerprint: future.fingerprint }], () => future.fingerprint);
    await eventually(async () => expect((await page('operator=kt&limit=10')).alerts.map((a) => a.labels.site)).toEqual(['kt-v1']));
    const history = (await (await fetch(`${api.url}/v1/alerts/${future.fingerprint}/history`, { headers: { authorization: `Bearer ${ops}` } })).json()) as { events: AlertEvent[] };
    expect(history.events.map((e) => e.id)).toEqual([next.id]);
    expect(await metricTotal(api.url, 'airan_consumer_unknown_schema_total')).toBe(1);
  });
});
