import type { TelemetryDeadLetter, TelemetryReport } from '@airan/contracts';
import { Client } from 'pg';
import type { ServiceProcess } from './support/service-process';
import { createApiKey, eventually, isolate, postWithNewKey } from './support/stack';
import { startServices } from './support/start-services';
import { TopicReader } from './support/topic-reader';

/** VES, OTLP and Prometheus into `airan.telemetry.v1`, each with exact normalised values. */
describe('ingest: VES, OTLP and Prometheus', () => {
  const isolation = isolate();
  let ingest: ServiceProcess;
  let api: ServiceProcess;
  let telemetry: TopicReader<TelemetryReport>;
  let dlq: TopicReader<TelemetryDeadLetter>;
  let db: Client;
  let skt: { id: string; key: string };
  let kt: { id: string; key: string };
  const SITE = 'skt-pangyo-01';
  const CELL = 'skt-pangyo-01-c2';
  const NODE = 'skt-pangyo-01-gpu01';
  const KT_SITE = 'kt-daejeon-etri-01';
  const MAX_BODY_BYTES = 65_536;
  // A whole second, five minutes ago: inside the accepted range, exact in µs and ns.
  const TS = Math.floor(Date.now() / 1000) * 1000 - 300_000;

  beforeAll(async () => {
    const env = { ...isolation.env, INGEST_MAX_BODY_BYTES: String(MAX_BODY_BYTES) };
    ({ api, ingest } = await startServices({ api: env, ingest: env }));
    [skt, kt] = await Promise.all([createApiKey(isolation, 'operator', 'skt'), createApiKey(isolation, 'operator', 'kt')]);
    telemetry = await TopicReader.open(`${isolation.topicPrefix}airan.telemetry.v1`);
    dlq = await TopicReader.open(`${isolation.topicPrefix}airan.telemetry.dlq.v1`);
    db = new Client({ connectionString: isolation.databaseUrl });
    await db.connect();
    await postWithNewKey(`${ingest.url}/v1/telemetry`, skt.key, { records: [{ type: 'heartbeat', siteId: SITE, ts: new Date(TS).toISOString() }] });
    // kt's key has reached ingest once it answers something other than 401; an empty batch writes nothing.
    await postWithNewKey(`${ingest.url}/v1/telemetry`, kt.key, { records: [] });
  });

  afterAll(async () => {
    await Promise.all([telemetry?.close(), dlq?.close(), db?.end()]);
    await Promise.all([ingest?.stop(), api?.stop()]);
  });

  const post = (path: string, body: unknown, contentType = 'application/json', headers: Record<string, string> = { authorization: `Bearer ${skt.key}` }) =>
    fetch(`${ingest.url}${path}`, { method: 'POST', headers: { ...headers, 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  /** The report on the topic holding a sample stamped `ts` for `match`. */
  const reportWith = (match: (r: TelemetryReport) => boolean) =>
    eventually(async () => {
      const found = telemetry.messages.find((m) => match(m.value));
      if (!found) throw new Error('report not read yet');
      return found;
    });

  const liveness = async (siteId: string) =>
    (await db.query('SELECT operator_id, last_key_id, last_seen_at FROM ingest.site_liveness WHERE site_id = $1', [siteId])).rows;

  const vesHeader = (overrides: Record<string, unknown> = {}) => ({
    domain: 'measurement',
    eventId: `pm-${TS}`,
    eventName: 'Measurement_O_RAN_DU_PM1min',
    lastEpochMicrosec: TS * 1000,
    priority: 'Normal',
    reportingEntityName: 'o-du-pangyo-ves-agent',
    sequence: 7,
    sourceName: SITE,
    startEpochMicrosec: (TS - 60_000) * 1000,
    version: '4.1',
    vesEventListenerVersion: '7.2.1',
    ...overrides,
  });
  const vesMeasurement = (cellId: string, overrides: Record<string, unknown> = {}) => ({
    commonEventHeader: vesHeader(overrides),
    measurementFields: {
      measurementInterval: 60,
      measurementFieldsVersion: '4.0',
      additionalMeasurements: [
        { name: cellId, hashMap: { 'RRU.PrbTotDl': '63.5', 'RRU.PrbUsedUl': '50', 'RRU.PrbAvailUl': '200', 'DRB.UEThpDl': '152340', 'RRC.ConnMean': '37.5', 'airan.inference.gpu_ms': '9540.5', 'airan.inference.requests': '120' } },
        { name: `gpu:${NODE}/gpu0`, hashMap: { DCGM_FI_DEV_GPU_UTIL: '71', DCGM_FI_DEV_POWER_USAGE: '312.5', 'airan.gpu.radio_share': '0.25' } },
      ],
    },
  });

  it('takes a VES measurement event: 202 with an empty body, counters converted', async () => {
    const response = await post('/eventListener/v7', { event: vesMeasurement(CELL) });
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('');
    const report = await reportWith((r) => r.cells.some((c) => c.cellId === CELL && c.ts === TS && c.gpuMs === 9540.5));
    expect(report.key).toBe(SITE);
    expect(report.value.cells).toEqual([
      { cellId: CELL, ts: TS, intervalMs: 60_000, prbDlPct: 63.5, prbUlPct: 25, thpDlMbps: 152.34, rrcConnectedUes: 37.5, gpuMs: 9540.5, inferenceRequests: 120 },
    ]);
    expect(report.value.gpus).toEqual([{ node: NODE, device: 'gpu0', ts: TS, utilPct: 71, powerW: 312.5, radioShare: 0.25 }]);
  });

  it('answers a VES batch with a bad event by accepting the rest and naming the bad field, which goes to the DLQ', async () => {
    const bad = vesMeasurement('skt-pangyo-01-c3', { eventId: 'pm-bad', priority: 'Urgent' });
    const response = await post('/eventListener/v7/eventBatch', { eventList: [vesMeasurement('skt-pangyo-01-c1'), bad] });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { requestError: { ServiceException: { messageId: string; variables: string[] } }; fieldErrors: Array<{ index: number; path: string; code: string }> };
    expect(body.requestError.ServiceException.messageId).toBe('SVC0002');
    expect(body.fieldErrors).toEqual([expect.objectContaining({ index: 1, path: '$.eventList[1].commonEventHeader.priority', code: 'INVALID_VALUE' })]);
    await reportWith((r) => r.cells.some((c) => c.cellId === 'skt-pangyo-01-c1' && c.ts === TS));
    const letter = await eventually(async () => {
      const found = dlq.messages.find((m) => (m.value.raw as { commonEventHeader?: { eventId?: string } })?.commonEventHeader?.eventId === 'pm-bad');
      if (!found) throw new Error('dead letter not read yet');
      return found;
    });
    expect(letter.value).toMatchObject({ format: 'ves', reason: 'INVALID_VALUE', siteId: SITE });
  });

  it.each([
    ['a batch mixing domains', '/eventListener/v7/eventBatch', () => ({ eventList: [vesMeasurement(CELL), { commonEventHeader: vesHeader({ domain: 'heartbeat', eventId: 'hb' }), heartbeatFields: { heartbeatFieldsVersion: '3.0', heartbeatInterval: 60 } }] }), 400],
    ['an unknown header field', '/eventListener/v7', () => ({ event: vesMeasurement(CELL, { colour: 'blue' }) }), 422],
  ])('answers VES %s with a requestError body', async (_, path, body, status) => {
    const response = await post(path, body());
    expect(response.status).toBe(status);
    const payload = (await response.json()) as { requestError: { ServiceException: { text: string } }; fieldErrors: unknown[] };
    expect(payload.requestError.ServiceException.text.length).toBeGreaterThan(0);
    expect(payload.fieldErrors.length).toBeGreaterThan(0);
  });

  it('answers VES without credentials with 401 in the VES error format', async () => {
    const response = await post('/eventListener/v7', { event: vesMeasurement(CELL) }, 'application/json', {});
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ requestError: { ServiceException: { messageId: 'SVC0002' } } });
  });

  type VesErrorBody = { requestError: { ServiceException: { messageId: string; text: string; variables: string[] } }; fieldErrors: Array<{ index?: number; path: string; code: string; message: string }> };

  describe.each(['/eventListener/v7', '/eventListener/v7/eventBatch'])('VES %s, failing before the controller runs', (path) => {
    it.each([
      ['malformed JSON', 400, 'BAD_REQUEST', '{"event": {"commonEventHeader": ', 'application/json'],
      ['a body over INGEST_MAX_BODY_BYTES', 413, 'PAYLOAD_TOO_LARGE', JSON.stringify({ event: { padding: 'x'.repeat(MAX_BODY_BYTES) } }), 'application/json'],
      ['a media type no parser takes', 415, 'UNSUPPORTED_MEDIA_TYPE', '<event/>', 'application/xml'],
    ])('answers %s with %i and a requestError naming the body', async (_, status, code, body, contentType) => {
      const response = await post(path, body, contentType);
      expect(response.status).toBe(status);
      const payload = (await response.json()) as VesErrorBody;
      expect(payload.fieldErrors).toEqual([{ path: '$', code, message: expect.any(String) }]);
      expect(payload.requestError).toEqual({ ServiceException: { messageId: 'SVC0002', text: `${payload.fieldErrors[0].message}: %1`, variables: ['$'] } });
    });
  });

  it('takes a VES heartbeat: a report holding it at lastEpochMicrosec, and the site marked seen by the key', async () => {
    const HB_SITE = 'skt-seoul-gangnam-01';
    const header = vesHeader({ domain: 'heartbeat', eventId: `hb-${TS}`, eventName: 'Heartbeat_O_RAN_DU', sourceName: HB_SITE, lastEpochMicrosec: TS * 1000 + 999, startEpochMicrosec: TS * 1000 });
    const response = await post('/eventListener/v7', { event: { commonEventHeader: header, heartbeatFields: { heartbeatFieldsVersion: '3.0', heartbeatInterval: 60 } } });
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('');
    const report = await reportWith((r) => r.siteId === HB_SITE);
    expect(report.key).toBe(HB_SITE);
    expect(report.value).toEqual({
      schema: 'airan.telemetry/1',
      id: expect.any(String),
      operatorId: 'skt',
      siteId: HB_SITE,
      keyId: skt.id,
      receivedAt: expect.any(Number),
      cells: [],
      gpus: [],
      heartbeats: [TS],
    });
    expect(await liveness(HB_SITE)).toEqual([{ operator_id: 'skt', last_key_id: skt.id, last_seen_at: new Date(report.value.receivedAt) }]);
  });

  it("carries a VES fault on its site's report, the site named by alarmAdditionalInformation", async () => {
    const header = vesHeader({ domain: 'fault', eventId: `fault-xid-${TS}`, eventName: 'Fault_O_RAN_DU_GpuXid', sequence: 3, sourceName: 'o-du-pangyo-01', lastEpochMicrosec: (TS + 5000) * 1000 + 999, startEpochMicrosec: TS * 1000 });
    const faultFields = {
      faultFieldsVersion: '4.0',
      alarmCondition: 'gpuXidError',
      eventSeverity: 'MAJOR',
      eventSourceType: 'O-DU',
      specificProblem: 'GPU Xid 79: fallen off the bus',
      vfStatus: 'Active',
      alarmInterfaceA: 'gpu0',
      alarmAdditionalInformation: { siteId: SITE },
    };
    const response = await post('/eventListener/v7', { event: { commonEventHeader: header, faultFields } });
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('');
    const report = await reportWith((r) => r.faults !== undefined);
    expect(report.key).toBe(SITE);
    expect(report.value).toEqual({
      schema: 'airan.telemetry/1',
      id: expect.any(String),
      operatorId: 'skt',
      siteId: SITE,
      keyId: skt.id,
      receivedAt: expect.any(Number),
      cells: [],
      gpus: [],
      heartbeats: [],
      faults: [
        {
          sourceName: 'o-du-pangyo-01',
          eventId: `fault-xid-${TS}`,
          sequence: 3,
          ts: TS + 5000,
          startTs: TS,
          alarmCondition: 'gpuXidError',
          eventSeverity: 'MAJOR',
          specificProblem: 'GPU Xid 79: fallen off the bus',
        },
      ],
    });
  });

  it("refuses another operator's key on VES and OTLP with 403, writing nothing", async () => {
    const asKt = { authorization: `Bearer ${kt.key}` };
    const marker = `kt-probe-${Date.now()}`;
    const ves = await post('/eventListener/v7', { event: vesMeasurement(CELL, { eventId: marker }) }, 'application/json', asKt);
    expect(ves.status).toBe(403);
    const vesBody = (await ves.json()) as VesErrorBody;
    expect(vesBody.requestError.ServiceException.variables).toEqual(['$.event.commonEventHeader.sourceName']);
    expect(vesBody.fieldErrors).toEqual([{ index: 0, path: '$.event.commonEventHeader.sourceName', code: 'SITE_NOT_OWNED', message: expect.any(String) }]);

    const point = { attributes: [{ key: 'airan.cell.id', value: { stringValue: marker } }], startTimeUnixNano: `${BigInt(TS - 15_000) * 1_000_000n}`, timeUnixNano: `${BigInt(TS) * 1_000_000n}`, asDouble: 12.5 };
    const otlp = await post(
      '/v1/metrics',
      { resourceMetrics: [{ resource: { attributes: [{ key: 'airan.site.id', value: { stringValue: SITE } }] }, scopeMetrics: [{ metrics: [{ name: 'RRU.PrbTotDl', gauge: { dataPoints: [point] } }] }] }] },
      'application/json',
      asKt,
    );
    expect(otlp.status).toBe(403);
    expect(await otlp.json()).toMatchObject({ error: { code: 'SITE_NOT_OWNED', details: [{ index: 0, path: '$.resourceMetrics[0].resource.attributes[0].value.stringValue', code: 'SITE_NOT_OWNED' }] } });

    // Liveness is written before the answer, so it is final now: no site was marked seen by kt's key.
    expect((await db.query('SELECT site_id FROM ingest.site_liveness WHERE last_key_id = $1', [kt.id])).rows).toEqual([]);
    // A later accepted request of kt's own proves the topics were read past the refused ones.
    expect((await post('/v1/telemetry', { records: [{ type: 'heartbeat', siteId: KT_SITE, ts: new Date(TS).toISOString() }] }, 'application/json', asKt)).status).toBe(202);
    await eventually(async () => {
      if (!telemetry.messages.some((m) => m.value.keyId === kt.id)) throw new Error('kt heartbeat not read yet');
    });
    const mentions = [...telemetry.messages, ...dlq.messages].filter((m) => JSON.stringify(m.value).includes(marker));
    expect(mentions).toEqual([]);
  });

  it('takes OTLP/JSON metrics, keeping nanosecond timestamps beyond 2^53 exact to the millisecond', async () => {
    // 999,999 ns past the millisecond: through a JavaScript number this would round up to the next ms.
    const timeUnixNano = `${BigInt(TS + 1000) * 1_000_000n + 999_999n}`;
    const startTimeUnixNano = `${BigInt(TS + 1000 - 15_000) * 1_000_000n + 999_999n}`;
    const point = (value: Record<string, unknown>) => ({ attributes: [{ key: 'airan.cell.id', value: { stringValue: CELL } }], startTimeUnixNano, timeUnixNano, ...value });
    const body = {
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'airan.site.id', value: { stringValue: SITE } }] },
          scopeMetrics: [
            {
              metrics: [
                { name: 'RRU.PrbTotDl', unit: '%', gauge: { dataPoints: [point({ asDouble: 44.25 })] } },
                { name: 'airan.inference.tokens', unit: '1', sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: [point({ asInt: '90071992547' })] } },
              ],
            },
          ],
        },
      ],
    };
    const response = await post('/v1/metrics', body);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
    const report = await reportWith((r) => r.cells.some((c) => c.cellId === CELL && c.ts === TS + 1000));
    expect(report.value.cells).toEqual([{ cellId: CELL, ts: TS + 1000, intervalMs: 15_000, prbDlPct: 44.25, inferenceTokens: 90071992547 }]);
  });

  it('refuses OTLP in a media type other than JSON or protobuf with 415', async () => {
    const response = await post('/v1/metrics', 'resourceMetrics', 'text/plain');
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
  });

  it('takes a DCGM exporter scrape pushed as Prometheus text', async () => {
    const labels = (gpu: string) => `gpu="${gpu}",UUID="GPU-5b0e4e38-2ad6-4c5e-9e3b-1b6c1f0e2a1${gpu}",device="nvidia${gpu}",modelName="NVIDIA B200",Hostname="${NODE}"`;
    const scrape = [
      '# HELP DCGM_FI_DEV_GPU_UTIL GPU utilization (in %).',
      '# TYPE DCGM_FI_DEV_GPU_UTIL gauge',
      `DCGM_FI_DEV_GPU_UTIL{${labels('0')}} 83 ${TS + 2000}`,
      `DCGM_FI_DEV_GPU_UTIL{${labels('1')}} 12 ${TS + 2000}`,
      '# HELP DCGM_FI_DEV_FB_USED Framebuffer memory used (in MiB).',
      '# TYPE DCGM_FI_DEV_FB_USED gauge',
      `DCGM_FI_DEV_FB_USED{${labels('0')}} 120011 ${TS + 2000}`,
      '# TYPE DCGM_FI_DEV_POWER_USAGE gauge',
      `DCGM_FI_DEV_POWER_USAGE{${labels('0')}} 845.5 ${TS + 2000}`,
      '# HELP DCGM_FI_DEV_GPU_TEMP GPU temperature (in C).',
      '# TYPE DCGM_FI_DEV_GPU_TEMP gauge',
      `DCGM_FI_DEV_GPU_TEMP{${labels('0')}} 67 ${TS + 2000}`,
      '',
    ].join('\n');
    const response = await post(`/v1/prometheus?site=${SITE}&intervalMs=30000`, scrape, 'text/plain; version=0.0.4');
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ accepted: 5, rejected: 0 });
    const report = await reportWith((r) => r.gpus.some((g) => g.ts === TS + 2000));
    expect(report.value.gpus).toEqual([
      { node: NODE, device: '0', ts: TS + 2000, utilPct: 83, memUsedMiB: 120011, powerW: 845.5, tempC: 67 },
      { node: NODE, device: '1', ts: TS + 2000, utilPct: 12 },
    ]);
  });

  it("refuses a Prometheus push for another operator's site with 403", async () => {
    const response = await post('/v1/prometheus?site=kt-daejeon-etri-01', 'DCGM_FI_DEV_GPU_UTIL{gpu="0",Hostname="x"} 1\n', 'text/plain');
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: 'SITE_NOT_OWNED' } });
  });
});
