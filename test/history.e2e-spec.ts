import { Client } from 'pg';
import { type RollupWindow, rollupWindowSchema } from '@airan/contracts';
import { type ErrorBody, type HistoryPage, allPages, exportUrl, getJson, historyUrl, parseCsv } from './support/history-http';
import { readTopicToEnd } from './support/kafka-test-tools';
import { ServiceProcess } from './support/service-process';
import { startServices } from './support/start-services';
import { createApiKey, eventually, isolate, postWithNewKey } from './support/stack';

const SKT_SITE = 'skt-seoul-gangnam-01';
const KT_SITE = 'kt-daejeon-etri-01';
const WINDOW_MS = 10_000;

/**
 * History from the real pipeline: telemetry posted to ingest by two operators is windowed by load, revised
 * by a late sample, and rejected records reach the api's dead-letter read model; the api then serves each
 * operator its own windows (every revision on request), rollups, samples and dead letters, ops all of them,
 * partners none.
 */
describe('history: what the pipeline stored, per key', () => {
  const isolation = isolate();
  const T0 = Math.floor((Date.now() - 5 * 60_000) / WINDOW_MS) * WINDOW_MS;
  const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
  const range = { from: at(0), to: at(30) };
  const services: ServiceProcess[] = [];
  let api: ServiceProcess;
  let ingest: ServiceProcess;
  let db: Client;
  const keys: Record<'skt' | 'kt' | 'ops' | 'partner', string> = { skt: '', kt: '', ops: '', partner: '' };

  const cell = (site: string, k: number, seconds: number, requests: number) => ({
    type: 'cell', siteId: site, cellId: `${site}-c${k}`, ts: at(seconds), intervalMs: 5000, inferenceRequests: requests, inferenceTokens: requests * 100, prbDlPct: 40.5, latencyP95Ms: 61,
  });
  const post = async (key: string, records: unknown[]) => {
    const response = await postWithNewKey(`${ingest.url}/v1/telemetry`, key, { records });
    expect(response.status).toBeLessThan(300);
  };
  const windows = async () => (await db.query('SELECT cell_id, revision FROM load.cell_windows ORDER BY window_start, cell_id')).rows;

  beforeAll(async () => {
    const env = { ...isolation.env, LOAD_WINDOW_MS: String(WINDOW_MS), LOAD_OUT_OF_ORDER_MS: '1000', LOAD_ALLOWED_LATENESS_MS: '600000' };
    api = await ServiceProcess.start('api', env);
    services.push(api);
    db = new Client({ connectionString: isolation.databaseUrl });
    await db.connect();
    // Load attributes a node's time across the cells the registry says it serves: it must start knowing the
    // whole demo fleet, so the api's seed has to be on the registry topic first (load reads it to its end).
    await eventually(async () => {
      const { rows } = await db.query('SELECT count(*)::int AS total, count(*) FILTER (WHERE published_at IS NULL)::int AS pending FROM api.outbox');
      if (rows[0].total === 0 || rows[0].pending > 0) throw new Error('registry seed not relayed yet');
    });
    const started = await startServices({ ingest: env, load: env });
    ingest = started.ingest;
    services.push(started.ingest, started.load);
    keys.skt = (await createApiKey(isolation, 'operator', 'skt')).key;
    keys.kt = (await createApiKey(isolation, 'operator', 'kt')).key;
    keys.ops = (await createApiKey(isolation, 'ops', 'ops-team')).key;
    keys.partner = (await createApiKey(isolation, 'partner', 'etri')).key;

    // Two windows per cell, then a heartbeat moving each site's watermark past both.
    await post(keys.skt, [
      cell(SKT_SITE, 1, 5, 10), cell(SKT_SITE, 2, 5, 20), cell(SKT_SITE, 1, 15, 30), cell(SKT_SITE, 2, 15, 40),
      { type: 'gpu', siteId: SKT_SITE, node: `${SKT_SITE}-gpu01`, device: 'gpu0', ts: at(5), utilPct: 71.5, aiShare: 0.5, radioShare: 0.25 },
      { type: 'heartbeat', siteId: SKT_SITE, ts: at(30) },
      { ...cell(SKT_SITE, 1, 6, 1), prbDlPct: 140 }, // rejected: a dead letter of skt's
    ]);
    await post(keys.kt, [cell(KT_SITE, 1, 5, 7), cell(KT_SITE, 1, 15, 8), { type: 'heartbeat', siteId: KT_SITE, ts: at(30) }, { ...cell(KT_SITE, 1, 6, 1), prbDlPct: -3 }]);
    await eventually(async () => {
      if ((await windows()).length < 6) throw new Error('windows not closed yet');
    }, 60_000);
    // A late sample for skt's first window of c1: revision 1.
    await post(keys.skt, [cell(SKT_SITE, 1, 8, 5)]);
    await eventually(async () => {
      if (!(await windows()).some((w) => w.revision === 1)) throw new Error('not revised yet');
    }, 60_000);
    await eventually(async () => {
      const { rows } = await db.query('SELECT count(*)::int AS n FROM api.dead_letters');
      if (rows[0].n < 2) throw new Error('dead letters not recorded yet');
    }, 60_000);
  });

  afterAll(async () => {
    await db?.end();
    await Promise.all(services.map((s) => s.stop()));
  });

  it('ops read every closed window in key order, the latest revision of each, as stored', async () => {
    const items = await allPages(api.url, 'cell-load', { ...range, limit: '4' }, keys.ops);
    // The late sample re-opens the window of every cell its GPU node serves (docs/load-model.md, step 5):
    // the demo fleet's node serves c1 to c3, so all three close again as revision 1.
    expect(items.map((w) => [w.windowStart, w.cellId, w.revision])).toEqual([
      [at(0), `${KT_SITE}-c1`, 0],
      [at(0), `${SKT_SITE}-c1`, 1],
      [at(0), `${SKT_SITE}-c2`, 1],
      [at(0), `${SKT_SITE}-c3`, 1],
      [at(10), `${KT_SITE}-c1`, 0],
      [at(10), `${SKT_SITE}-c1`, 0],
      [at(10), `${SKT_SITE}-c2`, 0],
    ]);
    const { rows } = await db.query(`SELECT requests, tokens, event_id, closed_at, window_end FROM load.cell_windows WHERE cell_id = $1 AND window_start = $2`, [`${SKT_SITE}-c1`, at(0)]);
    expect(items[1]).toMatchObject({ operatorId: 'skt', siteId: SKT_SITE, requests: 15, tokens: 1500, eventId: rows[0].event_id, windowEnd: at(10), prbDlPct: 40.5, latencyP95Ms: 61 });
    expect(Date.parse(items[1].closedAt as string)).toBe(rows[0].closed_at.getTime());
  });

  it("an operator reads only its own: another operator's site is empty, naming another operator is 403", async () => {
    const skt = await allPages(api.url, 'cell-load', range, keys.skt);
    expect(skt.map((w) => w.cellId)).toEqual([`${SKT_SITE}-c1`, `${SKT_SITE}-c2`, `${SKT_SITE}-c3`, `${SKT_SITE}-c1`, `${SKT_SITE}-c2`]);
    expect((await getJson<HistoryPage>(historyUrl(api.url, 'cell-load', { site: SKT_SITE }), keys.kt)).body).toEqual({ items: [], nextCursor: null });
    expect(await getJson<ErrorBody>(historyUrl(api.url, 'cell-load', { operator: 'skt' }), keys.kt)).toMatchObject({ status: 403, body: { error: { code: 'OPERATOR_NOT_PERMITTED' } } });
    expect(await getJson<ErrorBody>(historyUrl(api.url, 'cell-samples'), keys.partner)).toMatchObject({ status: 403, body: { error: { code: 'NO_GRANTS' } } });
  });

  it('revisions=all gives every revision of every window', async () => {
    const items = await allPages(api.url, 'cell-load', { ...range, cell: `${SKT_SITE}-c1`, revisions: 'all' }, keys.skt);
    expect(items.map((w) => [w.windowStart, w.revision, w.requests])).toEqual([
      [at(0), 0, 10],
      [at(0), 1, 15],
      [at(10), 0, 30],
    ]);
  });

  it("latestPerCell=true gives each cell's newest closed window only (with revisions=all, every revision of it), in key order", async () => {
    const latest = await allPages(api.url, 'cell-load', { ...range, latestPerCell: 'true', limit: '2' }, keys.ops);
    expect(latest.map((w) => [w.windowStart, w.cellId, w.revision])).toEqual([
      [at(0), `${SKT_SITE}-c3`, 1],
      [at(10), `${KT_SITE}-c1`, 0],
      [at(10), `${SKT_SITE}-c1`, 0],
      [at(10), `${SKT_SITE}-c2`, 0],
    ]);
    expect((await allPages(api.url, 'cell-load', { ...range, latestPerCell: 'true' }, keys.kt)).map((w) => w.cellId)).toEqual([`${KT_SITE}-c1`]);
    const revisions = await allPages(api.url, 'cell-load', { ...range, cell: `${SKT_SITE}-c1`, revisions: 'all', latestPerCell: 'true' }, keys.skt);
    expect(revisions.map((w) => [w.windowStart, w.revision])).toEqual([[at(10), 0]]);
    expect(await getJson<ErrorBody>(historyUrl(api.url, 'cell-load', { latestPerCell: 'false' }), keys.ops)).toMatchObject({ status: 400, body: { error: { code: 'INVALID_QUERY' } } });
  });

  it('rollups per site and operator, placed with their operator by the registry', async () => {
    const site = await allPages(api.url, 'rollups', { ...range, scope: 'site', id: SKT_SITE }, keys.ops);
    // c3 has no samples, but the node's GPU time at 5 s is shared with it: its window counts in the first.
    expect(site.map((r) => [r.windowStart, r.cells, r.requests])).toEqual([
      [at(0), 3, 35],
      [at(10), 2, 70],
    ]);
    const own = await allPages(api.url, 'rollups', { ...range, scope: 'operator' }, keys.kt);
    expect(own.map((r) => [r.scopeId, r.requests])).toEqual([
      ['kt', 7],
      ['kt', 8],
    ]);
    expect((await getJson<HistoryPage>(historyUrl(api.url, 'rollups', { scope: 'site', id: SKT_SITE }), keys.kt)).body.items).toEqual([]);
  });

  it('load publishes every change of a rollup on airan.rollups.v1, each version once, the last equal to the stored row', async () => {
    const stored = await allPages(api.url, 'rollups', { ...range, scope: 'site', id: SKT_SITE }, keys.ops);
    const events = await eventually(async () => {
      const found = (await readTopicToEnd<RollupWindow>(`${isolation.topicPrefix}airan.rollups.v1`)).filter((m) => m.value.scopeId === SKT_SITE);
      const latest = found.filter((m) => m.value.windowStart === at(0)).map((m) => m.value.version);
      if (Math.max(0, ...latest) < 2) throw new Error('the revision has not reached the topic yet');
      return found;
    });
    expect(events.every((m) => m.key === SKT_SITE && rollupWindowSchema.safeParse(m.value).success)).toBe(true);
    expect(new Set(events.map((m) => m.value.id)).size).toBe(events.length);
    for (const row of stored) {
      const versions = events.filter((m) => m.value.windowStart === row.windowStart).map((m) => m.value);
      // Versions count the changes 1, 2, ... with no gap, in the partition's (the key's) order.
      expect(versions.map((v) => v.version)).toEqual(versions.map((_, i) => i + 1));
      expect(versions.at(-1)).toMatchObject({ scope: 'site', operatorId: 'skt', cells: row.cells, requests: row.requests, tokens: row.tokens, aiGpuMs: (row.aiGpuUs as number) / 1000 });
    }
  });

  it('raw cell and GPU samples as load stored them', async () => {
    const samples = await allPages(api.url, 'cell-samples', { cell: `${SKT_SITE}-c1` }, keys.skt);
    expect(samples.map((s) => [s.ts, s.inferenceRequests, s.tooLate])).toEqual([
      [at(5), 10, false],
      [at(8), 5, false],
      [at(15), 30, false],
    ]);
    const gpu = await allPages(api.url, 'gpu-samples', { node: `${SKT_SITE}-gpu01` }, keys.ops);
    expect(gpu).toEqual([expect.objectContaining({ node: `${SKT_SITE}-gpu01`, device: 'gpu0', ts: at(5), utilPct: 71.5, aiShare: 0.5, radioShare: 0.25, tempC: null, operatorId: 'skt' })]);
    expect(await allPages(api.url, 'gpu-samples', {}, keys.kt)).toEqual([]);
  });

  it("each operator's own rejected records, from ingest's dead-letter topic", async () => {
    const skt = await allPages(api.url, 'dead-letters', {}, keys.skt);
    expect(skt).toEqual([expect.objectContaining({ operatorId: 'skt', siteId: SKT_SITE, format: 'native', raw: expect.objectContaining({ prbDlPct: 140 }), errors: [expect.objectContaining({ path: expect.stringContaining('prbDlPct') })] })]);
    const kt = await allPages(api.url, 'dead-letters', {}, keys.kt);
    expect(kt).toEqual([expect.objectContaining({ operatorId: 'kt', raw: expect.objectContaining({ prbDlPct: -3 }) })]);
    expect((await allPages(api.url, 'dead-letters', {}, keys.ops)).map((d) => d.operatorId).sort()).toEqual(['kt', 'skt']);
    expect((await allPages(api.url, 'dead-letters', { operator: 'kt' }, keys.ops)).map((d) => d.eventId)).toEqual([kt[0].eventId]);
  });
  it("gives a partner what its grants place, without the columns they redact, and never dead letters", async () => {
    const admin = (await createApiKey(isolation, 'admin', 'root')).key;
    const grant = { partnerId: 'etri', products: ['cell-load', 'rollups', 'telemetry'], siteIds: [KT_SITE], redact: ['tokens', 'latencyP95Ms'], validFrom: '2026-01-01T00:00:00Z' };
    const put = await fetch(`${api.url}/v1/registry/grant/etri-daejeon`, { method: 'PUT', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify(grant) });
    expect(put.status).toBe(200);

    const windows = await allPages(api.url, 'cell-load', range, keys.partner);
    expect(windows.map((w) => [w.windowStart, w.cellId, w.requests])).toEqual([
      [at(0), `${KT_SITE}-c1`, 7],
      [at(10), `${KT_SITE}-c1`, 8],
    ]);
    expect(Object.keys(windows[0])).not.toContain('tokens');
    expect(Object.keys(windows[0])).not.toContain('latencyP95Ms');
    expect(windows[0]).toMatchObject({ operatorId: 'kt', siteId: KT_SITE, prbDlPct: 40.5 });
    // Narrowed to an operator its grants do not place: nothing, not a refusal.
    expect(await allPages(api.url, 'cell-load', { ...range, operator: 'skt' }, keys.partner)).toEqual([]);

    expect((await allPages(api.url, 'rollups', { ...range, scope: 'site' }, keys.partner)).map((r) => [r.scopeId, r.requests])).toEqual([
      [KT_SITE, 7],
      [KT_SITE, 8],
    ]);
    // An operator's totals hold its other sites: a grant of one site never sees them.
    expect(await allPages(api.url, 'rollups', { ...range, scope: 'operator' }, keys.partner)).toEqual([]);
    expect((await allPages(api.url, 'cell-samples', {}, keys.partner)).map((r) => r.siteId)).toEqual([KT_SITE, KT_SITE]);
    expect(await getJson<ErrorBody>(historyUrl(api.url, 'dead-letters'), keys.partner)).toMatchObject({ status: 403, body: { error: { code: 'NO_GRANTS' } } });

    const csv = await fetch(exportUrl(api.url, 'cell-load.csv', range), { headers: { authorization: `Bearer ${keys.partner}` } });
    expect(csv.status).toBe(200);
    const [header, ...rows] = parseCsv(await csv.text()).map((row) => row.map((field) => field.value));
    expect(header).not.toContain('tokens');
    expect(rows.map((row) => row[header.indexOf('siteId')])).toEqual([KT_SITE, KT_SITE]);
  });
});
