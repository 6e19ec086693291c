import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { ValueType } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { TelemetryDeadLetter, TelemetryReport } from '@airan/contracts';
import type { SiteAgentInput } from './support/otlp-site-agent';
import { decodeRpcStatus } from './support/rpc-status';
import type { ServiceProcess } from './support/service-process';
import { createApiKey, eventually, isolate, postWithNewKey } from './support/stack';
import { startServices } from './support/start-services';
import { TopicReader } from './support/topic-reader';

/**
 * OTLP/HTTP metrics in protobuf, sent by OpenTelemetry's own exporter (what a site's collector or SDK
 * runs), into `airan.telemetry.v1` with exact values; failures as google.rpc.Status in protobuf.
 */
describe('ingest: OTLP protobuf', () => {
  const isolation = isolate();
  let ingest: ServiceProcess;
  let api: ServiceProcess;
  let telemetry: TopicReader<TelemetryReport>;
  let dlq: TopicReader<TelemetryDeadLetter>;
  let skt: { id: string; key: string };
  let kt: { id: string; key: string };
  const SITE = 'skt-pangyo-01';
  const CELL = 'skt-pangyo-01-c2';
  const NODE = 'skt-pangyo-01-gpu01';
  const MAX_BODY_BYTES = 65_536;
  // A whole second, five minutes ago, plus 999,999 ns: through a JavaScript number the nanoseconds would round up a millisecond.
  const TS = Math.floor(Date.now() / 1000) * 1000 - 300_000;
  const at = (ms: number): [number, number] => [Math.floor(ms / 1000), (ms % 1000) * 1_000_000 + 999_999];

  beforeAll(async () => {
    const env = { ...isolation.env, INGEST_MAX_BODY_BYTES: String(MAX_BODY_BYTES) };
    ({ api, ingest } = await startServices({ api: env, ingest: env }));
    [skt, kt] = await Promise.all([createApiKey(isolation, 'operator', 'skt'), createApiKey(isolation, 'operator', 'kt')]);
    telemetry = await TopicReader.open(`${isolation.topicPrefix}airan.telemetry.v1`);
    dlq = await TopicReader.open(`${isolation.topicPrefix}airan.telemetry.dlq.v1`);
    // Both keys have reached ingest once it answers something other than 401; an empty batch writes nothing.
    await Promise.all([skt, kt].map((k) => postWithNewKey(`${ingest.url}/v1/telemetry`, k.key, { records: [] })));
  });

  afterAll(async () => {
    await Promise.all([telemetry?.close(), dlq?.close()]);
    await Promise.all([ingest?.stop(), api?.stop()]);
  });

  function gauge(name: string, unit: string, value: number, attributes: Record<string, string>, ms: number): MetricData {
    return { descriptor: { name, description: '', unit, valueType: ValueType.DOUBLE }, aggregationTemporality: AggregationTemporality.CUMULATIVE, dataPointType: DataPointType.GAUGE, dataPoints: [{ startTime: at(ms), endTime: at(ms), attributes, value }] };
  }

  function deltaSum(name: string, value: number, attributes: Record<string, string>, fromMs: number, toMs: number): MetricData {
    return {
      descriptor: { name, description: '', unit: '1', valueType: ValueType.INT },
      aggregationTemporality: AggregationTemporality.DELTA,
      dataPointType: DataPointType.SUM,
      isMonotonic: true,
      dataPoints: [{ startTime: at(fromMs), endTime: at(toMs), attributes, value }],
    };
  }

  function request(metrics: MetricData[], site = SITE): ResourceMetrics {
    return { resource: resourceFromAttributes({ 'airan.site.id': site, 'host.name': NODE }), scopeMetrics: [{ scope: { name: 'site-agent', version: '1.0.0' }, metrics }] };
  }

  /** Sends through OpenTelemetry's protobuf exporter in a site-agent process, as a site would. */
  function exportWith(key: string, scopeMetrics: ResourceMetrics['scopeMetrics']): Promise<{ code: number; error?: string }> {
    const input: SiteAgentInput = { url: `${ingest.url}/v1/metrics`, key, resourceAttributes: { 'airan.site.id': SITE, 'host.name': NODE }, scopeMetrics };
    return new Promise((resolve, reject) => {
      const agent = execFile(process.execPath, [join(__dirname, '../dist/test/support/otlp-site-agent.js')], (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout))));
      agent.stdin!.end(JSON.stringify(input));
    });
  }

  function post(body: Uint8Array | string, headers: Record<string, string> = { authorization: `Bearer ${skt.key}` }, contentType = 'application/x-protobuf') {
    return fetch(`${ingest.url}/v1/metrics`, { method: 'POST', headers: { ...headers, 'content-type': contentType }, body });
  }

  /** A google.rpc.Status body: `code` (field 1) and `message` (field 2). */
  async function rpcStatus(response: Response): Promise<{ code: number; message: string }> {
    expect(response.headers.get('content-type')).toMatch(/^application\/x-protobuf/);
    return decodeRpcStatus(new Uint8Array(await response.arrayBuffer()));
  }

  const reportWith = (match: (r: TelemetryReport) => boolean) =>
    eventually(async () => {
      const found = telemetry.messages.find((m) => match(m.value));
      if (!found) throw new Error('report not read yet');
      return found.value;
    });

  it("takes OpenTelemetry's protobuf exporter: GPU gauges and a cell delta sum, exact to the millisecond, zeros included", async () => {
    const data = request([
      gauge('DCGM_FI_DEV_GPU_TEMP', 'Cel', 63.5, { gpu: '0' }, TS),
      gauge('DCGM_FI_DEV_GPU_UTIL', '%', 87, { gpu: '0' }, TS),
      // An idle GPU: a zero asDouble is on the wire (a oneof member) and must arrive as a reading of 0.
      gauge('DCGM_FI_DEV_GPU_UTIL', '%', 0, { gpu: '1' }, TS),
      deltaSum('airan.inference.requests', 1_240, { 'airan.cell.id': CELL }, TS - 15_000, TS),
    ]);
    expect(await exportWith(skt.key, data.scopeMetrics)).toEqual({ code: ExportResultCode.SUCCESS });
    const report = await reportWith((r) => r.gpus.some((g) => g.node === NODE && g.ts === TS));
    expect(report).toMatchObject({ operatorId: 'skt', siteId: SITE, keyId: skt.id });
    expect(report.gpus).toEqual([
      { node: NODE, device: '0', ts: TS, tempC: 63.5, utilPct: 87 },
      { node: NODE, device: '1', ts: TS, utilPct: 0 },
    ]);
    expect(report.cells).toEqual([{ cellId: CELL, ts: TS, intervalMs: 15_000, inferenceRequests: 1_240 }]);
  });

  it('answers a partial success in protobuf and dead-letters the rejected point as OTLP/JSON', async () => {
    // Cell gauges take the interval their resource declares (airan.interval_ms), not their start time.
    const data = { ...request([gauge('RRU.PrbTotDl', '%', 44.25, { 'airan.cell.id': CELL }, TS + 1000), gauge('RRU.PrbTotUl', '%', 140, { 'airan.cell.id': CELL }, TS + 1000)]), resource: resourceFromAttributes({ 'airan.site.id': SITE, 'host.name': NODE, 'airan.interval_ms': 15_000 }) };
    const response = await post(ProtobufMetricsSerializer.serializeRequest(data) as Uint8Array);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/x-protobuf/);
    const answer = ProtobufMetricsSerializer.deserializeResponse(new Uint8Array(await response.arrayBuffer())) as { partialSuccess: { rejectedDataPoints: unknown; errorMessage: string } };
    expect(Number(String(answer.partialSuccess.rejectedDataPoints))).toBe(1);
    expect(answer.partialSuccess.errorMessage).toBe('1 data points rejected; each is in the dead-letter topic');

    const report = await reportWith((r) => r.cells.some((c) => c.cellId === CELL && c.ts === TS + 1000));
    expect(report.cells).toEqual([{ cellId: CELL, ts: TS + 1000, intervalMs: 15_000, prbDlPct: 44.25 }]);
    const letter = await eventually(async () => {
      const found = dlq.messages.find((m) => m.value.format === 'otlp' && m.value.keyId === skt.id);
      if (!found) throw new Error('dead letter not read yet');
      return found.value;
    });
    expect(letter).toMatchObject({ format: 'otlp', reason: 'OUT_OF_RANGE', siteId: SITE, keyId: skt.id });
    expect(letter.errors).toEqual([expect.objectContaining({ path: '$.resourceMetrics[0].scopeMetrics[0].metrics[1].gauge.dataPoints[0].asDouble', code: 'OUT_OF_RANGE' })]);
    const point = (letter.raw as any).resourceMetrics[0].scopeMetrics[0].metrics[0];
    expect(point).toMatchObject({ name: 'RRU.PrbTotUl', unit: '%', gauge: { dataPoints: [{ asDouble: 140, timeUnixNano: `${BigInt(TS + 1000) * 1_000_000n + 999_999n}` }] } });
  });

  it('warns, in either encoding, about points of metrics airan does not map, through partial success with nothing rejected', async () => {
    const data = request([gauge('DCGM_FI_DEV_GPU_TEMP', 'Cel', 58, { gpu: '1' }, TS + 3000), gauge('vendor.fan_rpm', '1', 5200, { gpu: '1' }, TS + 3000)]);
    const warning = '1 data points accepted and ignored (metrics airan does not map: vendor.fan_rpm)';
    const response = await post(ProtobufMetricsSerializer.serializeRequest(data) as Uint8Array);
    expect(response.status).toBe(200);
    const answer = ProtobufMetricsSerializer.deserializeResponse(new Uint8Array(await response.arrayBuffer())) as { partialSuccess: { rejectedDataPoints?: unknown; errorMessage: string } };
    expect(answer.partialSuccess.errorMessage).toBe(warning);
    expect(Number(String(answer.partialSuccess.rejectedDataPoints ?? 0))).toBe(0);
    const report = await reportWith((r) => r.gpus.some((g) => g.ts === TS + 3000));
    expect(report.gpus).toEqual([{ node: NODE, device: '1', ts: TS + 3000, tempC: 58 }]);

    const json = await post(JSON.stringify({ resourceMetrics: [{ resource: { attributes: [{ key: 'airan.site.id', value: { stringValue: SITE } }] }, scopeMetrics: [{ metrics: [{ name: 'vendor.fan_rpm', gauge: { dataPoints: [{ asInt: '5200', timeUnixNano: `${BigInt(TS + 4000) * 1_000_000n}` }] } }] }] }] }), undefined, 'application/json');
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual({ partialSuccess: { rejectedDataPoints: '0', errorMessage: warning } });
  });

  it('answers a request whose every point is rejected with 422 and a Status naming the field', async () => {
    const data = request([gauge('DCGM_FI_DEV_GPU_UTIL', '%', 250, { gpu: '0' }, TS)]);
    const response = await post(ProtobufMetricsSerializer.serializeRequest(data) as Uint8Array);
    expect(response.status).toBe(422);
    const status = await rpcStatus(response);
    expect(status.code).toBe(3);
    expect(status.message).toMatch(/^ALL_RECORDS_REJECTED: .*; \$\.resourceMetrics\[0\]\.scopeMetrics\[0\]\.metrics\[0\]\.gauge\.dataPoints\[0\]\.asDouble: /);
  });

  it.each([
    ['a truncated message', Uint8Array.from([0x0a, 0x05, 0x12]), 400, 3, /^INVALID_FORMAT: not a protobuf ExportMetricsServiceRequest; \$: length 5 runs past the end of the message at byte 1$/],
    ['a wrong wire type', Uint8Array.from([0x08, 0x01]), 400, 3, /field 1 has wire type 0, expected 2 at byte 0/],
  ])('answers %s with %i and a google.rpc.Status', async (_, body, httpStatus, code, message) => {
    const response = await post(body);
    expect(response.status).toBe(httpStatus);
    const status = await rpcStatus(response);
    expect(status.code).toBe(code);
    expect(status.message).toMatch(message);
  });

  it('answers a missing key with 401 and another operator’s site with 403, both as Status, writing nothing', async () => {
    const body = ProtobufMetricsSerializer.serializeRequest(request([gauge('DCGM_FI_DEV_GPU_TEMP', 'Cel', 70, { gpu: '1' }, TS + 2000)])) as Uint8Array;
    const unauthenticated = await post(body, {});
    expect(unauthenticated.status).toBe(401);
    expect((await rpcStatus(unauthenticated)).code).toBe(16);
    const forbidden = await post(body, { authorization: `Bearer ${kt.key}` });
    expect(forbidden.status).toBe(403);
    expect((await rpcStatus(forbidden)).code).toBe(7);
    // The same body with skt's key lands: nothing of the refused requests came before it.
    expect(await post(body)).toHaveProperty('status', 200);
    await reportWith((r) => r.gpus.some((g) => g.ts === TS + 2000));
    expect(telemetry.messages.filter((m) => m.value.gpus.some((g) => g.ts === TS + 2000))).toHaveLength(1);
    expect(dlq.messages.filter((m) => m.value.keyId === kt.id)).toEqual([]);
  });

  it('answers a body over INGEST_MAX_BODY_BYTES with 413 as Status', async () => {
    const response = await post(new Uint8Array(MAX_BODY_BYTES + 1));
    expect(response.status).toBe(413);
    expect((await rpcStatus(response)).code).toBe(8);
  });

  it('still answers OTLP/JSON in JSON', async () => {
    const response = await post('{"resourceMetrics": 5}', { authorization: `Bearer ${skt.key}` }, 'application/json');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'INVALID_FORMAT', details: [{ path: '$.resourceMetrics', code: 'INVALID_TYPE' }] } });
  });
});
