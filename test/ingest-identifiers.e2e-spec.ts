import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import type { TelemetryDeadLetter, TelemetryReport } from '@airan/contracts';
import { vesHeader } from './support/ingest-limits.fixture';
import { readTopicToEnd } from './support/kafka-test-tools';
import { agentValues, type SdkAgentInput, type SdkAgentOutput } from './support/otlp-sdk-agent';
import type { ServiceProcess } from './support/service-process';
import { createApiKey, eventually, isolate } from './support/stack';
import { startServices } from './support/start-services';

/**
 * Operators' own names: a cell reported by its NCI or 3GPP distinguished name, and a GPU node by an
 * alias (Kubernetes node name), reach airan.telemetry.v1 under the registry's cell id and node hostname,
 * in every format; a DN no cell carries is rejected per record (UNKNOWN_CELL); an NCI or node name the
 * registry does not know is accepted as reported and listed per site.
 */
describe('ingest: operators’ own names', () => {
  const isolation = isolate();
  let api: ServiceProcess;
  let ingest: ServiceProcess;
  let skt: string;
  let kt: string;
  const topics = { telemetry: `${isolation.topicPrefix}airan.telemetry.v1`, dlq: `${isolation.topicPrefix}airan.telemetry.dlq.v1` };
  const SITE = 'skt-ident-01';
  const CELL = `${SITE}-c1`;
  const NCI = '0A0B0C0D1';
  const DN = 'SubNetwork=SKT,ManagedElement=gnb-ident-1,GNBDUFunction=1,NRCellDU=3';
  const HOST = 'dgx-ident-01';
  const ALIAS = 'k8s-worker-ident-a';
  const ts = Math.floor(Date.now() / 1000) * 1000 - 60_000;

  beforeAll(async () => {
    ({ api } = await startServices({ api: isolation.env }));
    const admin = (await createApiKey(isolation, 'admin', 'root')).key;
    skt = (await createApiKey(isolation, 'operator', 'skt')).key;
    kt = (await createApiKey(isolation, 'operator', 'kt')).key;
    const put = async (path: string, body: unknown) => {
      const response = await fetch(`${api.url}${path}`, { method: 'PUT', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as { error?: { code: string; details?: unknown } } };
    };
    expect((await put(`/v1/registry/site/${SITE}`, { operatorId: 'skt', name: 'Ident test', latitude: 37.5, longitude: 127 })).status).toBe(200);
    expect((await put(`/v1/registry/gpu-node/${SITE}-gpu01`, { siteId: SITE, hostname: HOST, model: 'H100', gpuCount: 8, aliases: [ALIAS] })).status).toBe(200);
    expect((await put(`/v1/registry/cell/${CELL}`, { siteId: SITE, nrCellIdentity: NCI, distinguishedName: DN })).status).toBe(200);
    // The names must stay unique within the site: a second cell with the same NCI is refused at the field.
    const clash = await put(`/v1/registry/cell/${SITE}-c2`, { siteId: SITE, nrCellIdentity: NCI.toLowerCase() });
    expect(clash.status).toBe(422);
    expect(clash.body.error).toMatchObject({ code: 'INVALID_ENTITY', details: [expect.objectContaining({ path: 'body.nrCellIdentity' })] });
    const aliasClash = await put(`/v1/registry/gpu-node/${SITE}-gpu02`, { siteId: SITE, hostname: 'dgx-ident-02', model: 'H100', gpuCount: 8, aliases: [ALIAS] });
    expect(aliasClash.body.error).toMatchObject({ code: 'INVALID_ENTITY', details: [expect.objectContaining({ path: 'body.aliases[0]' })] });
    // Ingest starts after the registry holds them, so its cache knows them before the first request.
    ({ ingest } = await startServices({ ingest: isolation.env }));
  });

  afterAll(async () => {
    await Promise.all([ingest?.stop(), api?.stop()]);
  });

  const post = (path: string, body: unknown, contentType = 'application/json', key = skt) =>
    eventually(async () => {
      const response = await fetch(`${ingest.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });
      if (response.status === 401) throw new Error('key not known to ingest yet');
      return response;
    });
  const reports = async () => (await readTopicToEnd<TelemetryReport>(topics.telemetry)).filter((m) => m.value.siteId === SITE).map((m) => m.value);
  const iso = (at: number) => new Date(at).toISOString();

  it('resolves native cells by NCI and DN and a GPU node by alias; rejects an unknown DN; keeps unknown names', async () => {
    const records = [
      { type: 'cell', siteId: SITE, cellId: NCI.toLowerCase(), ts: iso(ts), intervalMs: 15_000, prbDlPct: 10 },
      { type: 'cell', siteId: SITE, cellId: DN, ts: iso(ts + 1000), intervalMs: 15_000, prbDlPct: 11 },
      { type: 'gpu', siteId: SITE, node: ALIAS, device: '0', ts: iso(ts), utilPct: 50 },
      { type: 'cell', siteId: SITE, cellId: '0FFFFFFF1', ts: iso(ts), intervalMs: 15_000, prbDlPct: 12 },
      { type: 'gpu', siteId: SITE, node: 'dgx-nobody', device: '0', ts: iso(ts), utilPct: 5 },
      { type: 'cell', siteId: SITE, cellId: 'SubNetwork=SKT,ManagedElement=gnb-ident-1,NRCellDU=99', ts: iso(ts), intervalMs: 15_000, prbDlPct: 13 },
    ];
    const response = await post('/v1/telemetry', { records });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ accepted: 5, rejected: 1, errors: [{ index: 5, path: '$.records[5].cellId', code: 'UNKNOWN_CELL' }] });

    const report = (await reports()).find((r) => r.cells.some((c) => c.prbDlPct === 10))!;
    expect(report.cells.map((c) => [c.cellId, c.prbDlPct])).toEqual([
      [CELL, 10],
      [CELL, 11],
      ['0FFFFFFF1', 12],
    ]);
    expect(report.gpus.map((g) => [g.node, g.utilPct])).toEqual([
      [HOST, 50],
      ['dgx-nobody', 5],
    ]);
    const letters = (await readTopicToEnd<TelemetryDeadLetter>(topics.dlq)).filter((m) => m.value.siteId === SITE).map((m) => m.value);
    expect(letters).toEqual([expect.objectContaining({ reason: 'UNKNOWN_CELL', format: 'native', raw: records[5], errors: [expect.objectContaining({ code: 'UNKNOWN_CELL' })] })]);
  });

  it('resolves VES cell entries named by DN and NCI', async () => {
    const event = (at: number, name: string, counter: string, value: string) => ({
      commonEventHeader: vesHeader(SITE, at),
      measurementFields: { measurementInterval: 60, measurementFieldsVersion: '4.0', additionalMeasurements: [{ name, hashMap: { [counter]: value } }] },
    });
    const response = await post('/eventListener/v7/eventBatch', { eventList: [event(ts - 60_000, DN, 'RRU.PrbTotDl', '41'), event(ts - 120_000, NCI, 'RRU.PrbTotUl', '21')] });
    expect(response.status).toBe(202);
    const report = (await reports()).find((r) => r.cells.some((c) => c.prbDlPct === 41))!;
    expect(report.cells).toEqual([expect.objectContaining({ cellId: CELL, ts: ts - 60_000, prbDlPct: 41 }), expect.objectContaining({ cellId: CELL, ts: ts - 120_000, prbUlPct: 21 })]);
  });

  it('resolves a Prometheus GPU node by alias and a cell label by DN', async () => {
    const text = [`DCGM_FI_DEV_GPU_UTIL{gpu="0",Hostname="${ALIAS}"} 77 ${ts + 2000}`, `RRU_PrbTotDl{cell="${DN}"} 42 ${ts + 2000}`, ''].join('\n');
    const response = await post(`/v1/prometheus?site=${SITE}&intervalMs=30000`, text, 'text/plain; version=0.0.4');
    expect(response.status).toBe(202);
    const report = (await reports()).find((r) => r.gpus.some((g) => g.utilPct === 77))!;
    expect(report.gpus).toEqual([expect.objectContaining({ node: HOST, device: '0', utilPct: 77 })]);
    expect(report.cells).toEqual([expect.objectContaining({ cellId: CELL, prbDlPct: 42 })]);
  });

  it("resolves OTLP cells named by DN from OpenTelemetry's own SDK exporter, and a GPU node by its host.name alias", async () => {
    // The SDK agent (test/support/otlp-sdk-agent.ts) runs as its own process: its exporter imports its transport dynamically.
    const startMs = ts - 10 * 60_000;
    const input: SdkAgentInput = { url: `${ingest.url}/v1/metrics`, key: skt, resourceAttributes: { 'airan.site.id': SITE }, temporality: 'delta', startMs, exportIntervalMs: 60_000, exports: 2, cellId: DN };
    const output = await new Promise<SdkAgentOutput>((resolve, reject) => {
      const agent = execFile(process.execPath, [join(__dirname, '../dist/test/support/otlp-sdk-agent.js')], { timeout: 90_000 }, (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout))));
      agent.stdin!.end(JSON.stringify(input));
    });
    expect(output.codes).toEqual([0, 0]);
    const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
    const gpuAt = ts + 4000;
    const gpu = { resourceMetrics: [{ resource: { attributes: [attr('airan.site.id', SITE), attr('host.name', ALIAS)] }, scopeMetrics: [{ metrics: [{ name: 'DCGM_FI_DEV_GPU_UTIL', gauge: { dataPoints: [{ attributes: [attr('gpu', '3')], timeUnixNano: `${gpuAt}000000`, asInt: '66' }] } }] }] }] };
    expect((await post('/v1/metrics', gpu)).status).toBe(200);

    const cells = (await reports()).flatMap((r) => r.cells).filter((c) => output.times.includes(c.ts));
    expect(cells.map((c) => [c.cellId, c.ts, c.prbDlPct])).toEqual(output.times.map((t, i) => [CELL, t, agentValues(i + 1).prbDlPct]));
    const gpus = (await reports()).flatMap((r) => r.gpus).filter((g) => g.ts === gpuAt);
    expect(gpus).toEqual([expect.objectContaining({ node: HOST, device: '3', utilPct: 66 })]);
  });

  it('lists the unknown names of an own site, and refuses other operators and unknown sites', async () => {
    const get = (siteId: string, key: string) => fetch(`${ingest.url}/v1/sites/${siteId}/unknown-identifiers`, { headers: { authorization: `Bearer ${key}` } });
    const own = await get(SITE, skt);
    expect(own.status).toBe(200);
    const body = (await own.json()) as { siteId: string; identifiers: Array<{ kind: string; identifier: string; count: number; firstSeen: string; lastSeen: string }> };
    expect(body.siteId).toBe(SITE);
    expect(body.identifiers.map((i) => [i.kind, i.identifier, i.count]).sort()).toEqual([
      ['cell', '0FFFFFFF1', 1],
      ['gpu-node', 'dgx-nobody', 1],
    ]);
    expect((await eventually(async () => {
      const r = await get(SITE, kt);
      if (r.status === 401) throw new Error('key not known to ingest yet');
      return r;
    })).status).toBe(403);
    expect((await get('nowhere-01', skt)).status).toBe(404);
  });
  it('forgets, at start-up and hourly, the names no site has reported for INGEST_UNKNOWN_IDENTIFIER_RETENTION_DAYS', async () => {
    const db = new Client({ connectionString: isolation.databaseUrl });
    await db.connect();
    try {
      await db.query(
        `INSERT INTO ingest.unknown_identifiers (site_id, kind, identifier, first_seen, last_seen, count) VALUES ($1, 'gpu-node', 'pod-gone', now() - interval '60 days', now() - interval '31 days', 3)`,
        [SITE],
      );
    } finally {
      await db.end();
    }
    await ingest.stop();
    ({ ingest } = await startServices({ ingest: isolation.env }));
    const listed = (await (await fetch(`${ingest.url}/v1/sites/${SITE}/unknown-identifiers`, { headers: { authorization: `Bearer ${skt}` } })).json()) as { identifiers: Array<{ identifier: string }> };
    expect(listed.identifiers.map((i) => i.identifier).sort()).toEqual(['0FFFFFFF1', 'dgx-nobody']);
  });
});
