import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { TelemetryReport } from '@airan/contracts';
import { decodeRpcStatus } from './support/rpc-status';
import type { ServiceProcess } from './support/service-process';
import { createApiKey, eventually, isolate, postWithNewKey } from './support/stack';
import { startServices } from './support/start-services';
import { TopicReader } from './support/topic-reader';

/**
 * What HTTP clients other than airan's own expect of a server: the Bearer scheme in any case, a
 * challenge on every 401, a trailing slash that changes nothing, a 415 that says what would have been
 * taken, and OpenMetrics where Prometheus text is taken.
 */
describe('HTTP manners', () => {
  const isolation = isolate();
  let ingest: ServiceProcess;
  let api: ServiceProcess;
  let telemetry: TopicReader<TelemetryReport>;
  let skt: { id: string; key: string };
  let ops: { id: string; key: string };
  const SITE = 'skt-pangyo-01';
  const CELL = 'skt-pangyo-01-c2';
  const NODE = 'skt-pangyo-01-gpu01';
  const TS = Math.floor(Date.now() / 1000) * 1000 - 300_000;

  beforeAll(async () => {
    ({ api, ingest } = await startServices({ api: isolation.env, ingest: isolation.env }));
    [skt, ops] = await Promise.all([createApiKey(isolation, 'operator', 'skt'), createApiKey(isolation, 'ops', 'noc-kim')]);
    telemetry = await TopicReader.open(`${isolation.topicPrefix}airan.telemetry.v1`);
    await postWithNewKey(`${ingest.url}/v1/telemetry`, skt.key, { records: [] });
  });

  afterAll(async () => {
    await telemetry?.close();
    await Promise.all([ingest?.stop(), api?.stop()]);
  });

  const send = (base: string, path: string, options: { method?: string; authorization?: string; contentType?: string; body?: string | Uint8Array } = {}) =>
    fetch(`${base}${path}`, {
      method: options.method ?? 'POST',
      headers: { ...(options.authorization !== undefined ? { authorization: options.authorization } : {}), ...(options.contentType ? { 'content-type': options.contentType } : {}) },
      body: options.body,
    });
  const operator = (path: string, contentType: string, body: string | Uint8Array, authorization = `Bearer ${skt.key}`) => send(ingest.url, path, { authorization, contentType, body });
  const cellBatch = (offset: number, gpuMs: number) => JSON.stringify({ records: [{ type: 'cell', siteId: SITE, cellId: CELL, ts: new Date(TS + offset).toISOString(), intervalMs: 15_000, gpuMs }] });
  const otlpRequest: ResourceMetrics = { resource: resourceFromAttributes({ 'airan.site.id': SITE }), scopeMetrics: [] };

  const reportWith = (match: (r: TelemetryReport) => boolean) =>
    eventually(async () => {
      const found = telemetry.messages.find((m) => match(m.value));
      if (!found) throw new Error('report not read yet');
      return found.value;
    });

  describe('authentication', () => {
    it('takes the Bearer scheme name in any case', async () => {
      for (const [i, scheme] of ['bearer', 'BEARER', 'Bearer'].entries()) {
        expect([scheme, (await operator('/v1/telemetry', 'application/json', cellBatch(i * 1000, 10 + i), `${scheme} ${skt.key}`)).status]).toEqual([scheme, 202]);
      }
      expect((await send(api.url, '/v1/alerts', { method: 'GET', authorization: `bearer ${ops.key}` })).status).toBe(200);
    });

    it('challenges every 401 with WWW-Authenticate: Bearer, whatever the route answers in', async () => {
      const refused = [
        await send(ingest.url, '/v1/telemetry', { contentType: 'application/json', body: cellBatch(0, 1) }),
        await send(ingest.url, '/eventListener/v7', { contentType: 'application/json', body: '{}' }),
        await send(ingest.url, '/v1/metrics', { contentType: 'application/x-protobuf', body: ProtobufMetricsSerializer.serializeRequest(otlpRequest) as Uint8Array }),
        await send(ingest.url, `/v1/prometheus?site=${SITE}`, { authorization: `Basic ${Buffer.from(`skt:${skt.key}`).toString('base64')}`, contentType: 'text/plain', body: '' }),
        await send(api.url, '/v1/alerts', { method: 'GET' }),
      ];
      expect(refused.map((r) => [r.status, r.headers.get('www-authenticate')])).toEqual(Array(refused.length).fill([401, 'Bearer realm="airan"']));
      // Each in its route's own error body still: VES requestError, OTLP google.rpc.Status.
      expect(await refused[1].json()).toMatchObject({ requestError: { ServiceException: { messageId: 'SVC0002' } } });
      expect((await decodeRpcStatus(new Uint8Array(await refused[2].arrayBuffer()))).code).toBe(16);

      const revokedOrUnknown = await operator('/v1/telemetry', 'application/json', cellBatch(0, 1), `Bearer ${skt.key.slice(0, -1)}x`);
      expect([revokedOrUnknown.status, revokedOrUnknown.headers.get('www-authenticate')]).toEqual([401, 'Bearer realm="airan", error="invalid_token"']);
    });
  });

  it('sends the security headers with every answer, accepted or refused, on every app; an HTML page keeps its own policy', async () => {
    const answers = [
      await operator('/v1/telemetry', 'application/json', cellBatch(7000, 7)),
      await send(ingest.url, '/v1/telemetry', { contentType: 'application/json', body: '{}' }),
      await send(api.url, '/v1/alerts', { method: 'GET', authorization: `Bearer ${ops.key}` }),
      await send(api.url, '/v1/alerts?limit=0', { method: 'GET', authorization: `Bearer ${ops.key}` }),
      await send(api.url, '/v1/nowhere', { method: 'GET' }),
      await send(api.url, '/metrics', { method: 'GET' }),
    ];
    expect(answers.map((r) => r.status)).toEqual([202, 401, 200, 400, 404, 200]);
    for (const answer of answers) {
      expect([answer.url, answer.headers.get('x-content-type-options'), answer.headers.get('referrer-policy'), answer.headers.get('x-frame-options'), answer.headers.get('cross-origin-resource-policy'), answer.headers.get('content-security-policy')]).toEqual([
        answer.url, 'nosniff', 'no-referrer', 'DENY', 'same-origin', "default-src 'none'; frame-ancestors 'none'",
      ]);
    }
    const docs = await send(api.url, '/docs', { method: 'GET' });
    expect([docs.status, docs.headers.get('x-content-type-options'), docs.headers.get('content-security-policy')]).toEqual([200, 'nosniff', "default-src 'none'; style-src 'unsafe-inline'"]); // its own, not the default
  });

  it('reaches the route with a trailing slash', async () => {
    expect((await operator('/v1/telemetry/', 'application/json', cellBatch(5000, 55))).status).toBe(202);
    await reportWith((r) => r.cells.some((c) => c.ts === TS + 5000 && c.gpuMs === 55));
    expect((await operator('/v1/metrics/', 'application/json', JSON.stringify({ resourceMetrics: [] }))).status).toBe(200);
    expect((await operator(`/v1/prometheus/?site=${SITE}`, 'text/plain', `DCGM_FI_DEV_GPU_UTIL{gpu="0",Hostname="${NODE}"} 5 ${TS + 6000}\n`)).status).toBe(202);
    expect((await send(ingest.url, '/health/ready/', { method: 'GET' })).status).toBe(200);
    expect((await send(api.url, '/v1/alerts/', { method: 'GET', authorization: `Bearer ${ops.key}` })).status).toBe(200);
  });

  describe('415', () => {
    it.each([
      ['/v1/telemetry', 'text/plain', ['application/json']],
      ['/v1/telemetry', 'application/xml', ['application/json']],
      ['/v1/metrics', 'text/plain', ['application/json', 'application/x-protobuf']],
      [`/v1/prometheus?site=${SITE}`, 'application/json', ['text/plain', 'application/openmetrics-text']],
      [`/v1/prometheus?site=${SITE}`, 'application/xml', ['text/plain', 'application/openmetrics-text']],
    ])('on %s for %s names the media types the route takes', async (path, contentType, accepted) => {
      const response = await operator(path, contentType, contentType === 'application/json' ? '{}' : 'x');
      expect(response.status).toBe(415);
      expect(await response.json()).toEqual({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: `content-type must be ${accepted.join(' or ')}, got ${contentType}`, accepted } });
    });

    it('names them in the VES requestError too', async () => {
      const response = await operator('/eventListener/v7/eventBatch', 'application/xml', '<eventList/>');
      expect(response.status).toBe(415);
      expect(await response.json()).toMatchObject({ fieldErrors: [{ path: '$', code: 'UNSUPPORTED_MEDIA_TYPE', message: 'content-type must be application/json, got application/xml' }] });
    });
  });

  describe('OpenMetrics on the Prometheus route', () => {
    const labels = (gpu: string) => `gpu="${gpu}",UUID="GPU-5b0e4e38-2ad6-4c5e-9e3b-1b6c1f0e2a1${gpu}",pci_bus_id="00000000:0${gpu}:00.0",device="nvidia${gpu}",modelName="NVIDIA B200",Hostname="${NODE}",DCGM_FI_DRIVER_VERSION="570.124.06"`;
    const seconds = (ms: number) => (ms / 1000).toFixed(3);
    const OM = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

    it('takes a DCGM exporter scrape in OpenMetrics: seconds, # UNIT, exemplars, counter families, # EOF', async () => {
      const at = TS + 7250;
      const scrape = [
        '# HELP DCGM_FI_DEV_GPU_UTIL GPU utilization (in %).',
        '# TYPE DCGM_FI_DEV_GPU_UTIL gauge',
        `DCGM_FI_DEV_GPU_UTIL{${labels('0')}} 83 ${seconds(at)}`,
        `DCGM_FI_DEV_GPU_UTIL{${labels('1')}} 12 ${seconds(at)}`,
        '# HELP DCGM_FI_DEV_FB_USED Framebuffer memory used (in MiB).',
        '# TYPE DCGM_FI_DEV_FB_USED gauge',
        `DCGM_FI_DEV_FB_USED{${labels('0')}} 120011 ${seconds(at)}`,
        '# HELP DCGM_FI_DEV_POWER_USAGE Power draw (in W).',
        '# TYPE DCGM_FI_DEV_POWER_USAGE gauge',
        `DCGM_FI_DEV_POWER_USAGE{${labels('0')}} 845.5 ${seconds(at)}`,
        '# HELP DCGM_FI_DEV_GPU_TEMP GPU temperature (in C).',
        '# TYPE DCGM_FI_DEV_GPU_TEMP gauge',
        `DCGM_FI_DEV_GPU_TEMP{${labels('0')}} 67 ${seconds(at)}`,
        '# HELP dcgm_energy_consumption_joules Total energy consumption since boot.',
        '# TYPE dcgm_energy_consumption_joules counter',
        '# UNIT dcgm_energy_consumption_joules joules',
        `dcgm_energy_consumption_joules_total{${labels('0')}} 8234567.891 ${seconds(at)} # {trace_id="4bf92f3577b34da6a3ce929d0e0e4736"} 12.5 ${seconds(at - 500)}`,
        `dcgm_energy_consumption_joules_created{${labels('0')}} ${seconds(TS - 86_400_000)}`,
        '# EOF',
        '',
      ].join('\n');
      const response = await operator(`/v1/prometheus?site=${SITE}&intervalMs=30000`, OM, scrape);
      expect(response.status).toBe(202);
      expect(await response.json()).toMatchObject({ accepted: 7, rejected: 0, ignoredMetrics: ['dcgm_energy_consumption_joules_total', 'dcgm_energy_consumption_joules_created'] });
      const report = await reportWith((r) => r.gpus.some((g) => g.ts === at));
      expect(report.gpus).toEqual([
        { node: NODE, device: '0', ts: at, utilPct: 83, memUsedMiB: 120011, powerW: 845.5, tempC: 67 },
        { node: NODE, device: '1', ts: at, utilPct: 12 },
      ]);
    });

    it('refuses an OpenMetrics exposition without its # EOF line (cut off) with 400', async () => {
      const response = await operator(`/v1/prometheus?site=${SITE}`, OM, `DCGM_FI_DEV_GPU_UTIL{${labels('0')}} 83 ${seconds(TS)}\n`);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'INVALID_FORMAT', message: expect.stringContaining('# EOF') } });
    });
  });
});
