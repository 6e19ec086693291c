import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import { ValueType } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { TelemetryReport } from '@airan/contracts';
import type { CompressedAgentInput, CompressedAgentOutput } from './support/otlp-compressed-agent';
import { decodeRpcStatus } from './support/rpc-status';
import type { ServiceProcess } from './support/service-process';
import { createApiKey, eventually, isolate, postWithNewKey } from './support/stack';
import { startServices } from './support/start-services';
import { TopicReader } from './support/topic-reader';

/**
 * Compressed request bodies, as sites send them (the OTLP Collector gzips by default): gzip and deflate
 * decoded on every ingest route before parsing, the body limit applied to the decoded bytes as they
 * stream (a decompression bomb is refused without ever being inflated whole), other codings refused.
 */
describe('ingest: Content-Encoding', () => {
  const isolation = isolate();
  let ingest: ServiceProcess;
  let api: ServiceProcess;
  let telemetry: TopicReader<TelemetryReport>;
  let skt: { id: string; key: string };
  const SITE = 'skt-pangyo-01';
  const CELL = 'skt-pangyo-01-c2';
  const NODE = 'skt-pangyo-01-gpu01';
  const LIMIT = 1024 * 1024;
  const TS = Math.floor(Date.now() / 1000) * 1000 - 300_000;
  const at = (ms: number): [number, number] => [Math.floor(ms / 1000), (ms % 1000) * 1_000_000];

  beforeAll(async () => {
    const env = { ...isolation.env, INGEST_MAX_BODY_BYTES: String(LIMIT) };
    ({ api, ingest } = await startServices({ api: env, ingest: env }));
    skt = await createApiKey(isolation, 'operator', 'skt');
    telemetry = await TopicReader.open(`${isolation.topicPrefix}airan.telemetry.v1`);
    await postWithNewKey(`${ingest.url}/v1/telemetry`, skt.key, { records: [] });
  });

  afterAll(async () => {
    await telemetry?.close();
    await Promise.all([ingest?.stop(), api?.stop()]);
  });

  const post = (path: string, body: Uint8Array | string, headers: Record<string, string>) =>
    fetch(`${ingest.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${skt.key}`, ...headers }, body });

  const reportWith = (match: (r: TelemetryReport) => boolean) =>
    eventually(async () => {
      const found = telemetry.messages.find((m) => match(m.value));
      if (!found) throw new Error('report not read yet');
      return found.value;
    });

  const gpuGauges = (ms: number, util: number): ResourceMetrics => ({
    resource: resourceFromAttributes({ 'airan.site.id': SITE, 'host.name': NODE }),
    scopeMetrics: [
      {
        scope: { name: 'site-agent', version: '1.0.0' },
        metrics: [
          {
            descriptor: { name: 'DCGM_FI_DEV_GPU_UTIL', description: '', unit: '%', valueType: ValueType.DOUBLE },
            aggregationTemporality: AggregationTemporality.CUMULATIVE,
            dataPointType: DataPointType.GAUGE,
            dataPoints: [{ startTime: at(ms), endTime: at(ms), attributes: { gpu: '0' }, value: util }],
          } satisfies MetricData,
        ],
      },
    ],
  });

  /** Sends with OpenTelemetry's own exporter and `compression: 'gzip'`, in a site-agent process. */
  function exportCompressed(encoding: 'protobuf' | 'json', data: ResourceMetrics): Promise<CompressedAgentOutput> {
    const input: CompressedAgentInput = { url: `${ingest.url}/v1/metrics`, key: skt.key, encoding, resourceAttributes: { 'airan.site.id': SITE, 'host.name': NODE }, scopeMetrics: data.scopeMetrics };
    return new Promise((resolve, reject) => {
      const agent = execFile(process.execPath, [join(__dirname, '../dist/test/support/otlp-compressed-agent.js')], (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout))));
      agent.stdin!.end(JSON.stringify(input));
    });
  }

  it('takes a gzip native JSON batch', async () => {
    const ts = new Date(TS).toISOString();
    const body = gzipSync(JSON.stringify({ records: [{ type: 'cell', siteId: SITE, cellId: CELL, ts, intervalMs: 15_000, gpuMs: 1234 }] }));
    const response = await post('/v1/telemetry', body, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ accepted: 1, rejected: 0 });
    const report = await reportWith((r) => r.cells.some((c) => c.cellId === CELL && c.ts === TS && c.gpuMs === 1234));
    expect(report.cells).toEqual([{ cellId: CELL, ts: TS, intervalMs: 15_000, gpuMs: 1234 }]);
  });

  it.each([
    ['protobuf', 1000, 61.5],
    ['json', 2000, 62.5],
  ] as const)("takes OTLP %s from OpenTelemetry's exporter with compression: 'gzip'", async (encoding, offset, util) => {
    const result = await exportCompressed(encoding, gpuGauges(TS + offset, util));
    expect(result).toEqual({ code: ExportResultCode.SUCCESS, contentEncodings: ['gzip'] });
    const report = await reportWith((r) => r.gpus.some((g) => g.node === NODE && g.ts === TS + offset));
    expect(report.gpus).toEqual([{ node: NODE, device: '0', ts: TS + offset, utilPct: util }]);
  });

  it('takes deflate Prometheus text', async () => {
    const text = ['# TYPE DCGM_FI_DEV_GPU_UTIL gauge', `DCGM_FI_DEV_GPU_UTIL{gpu="0",Hostname="${NODE}"} 83 ${TS + 3000}`, `DCGM_FI_DEV_GPU_UTIL{gpu="1",Hostname="${NODE}"} 12 ${TS + 3000}`, ''].join('\n');
    const response = await post(`/v1/prometheus?site=${SITE}`, deflateSync(text), { 'content-type': 'text/plain; version=0.0.4', 'content-encoding': 'deflate' });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ accepted: 2, rejected: 0 });
    const report = await reportWith((r) => r.gpus.some((g) => g.ts === TS + 3000));
    expect(report.gpus).toEqual([
      { node: NODE, device: '0', ts: TS + 3000, utilPct: 83 },
      { node: NODE, device: '1', ts: TS + 3000, utilPct: 12 },
    ]);
  });

  it('refuses br with 415 naming the supported codings, in each route’s own error body', async () => {
    const native = await post('/v1/telemetry', '{"records":[]}', { 'content-type': 'application/json', 'content-encoding': 'br' });
    expect(native.status).toBe(415);
    expect(native.headers.get('accept-encoding')).toBe('gzip, deflate, identity');
    expect(await native.json()).toEqual({
      error: { code: 'UNSUPPORTED_CONTENT_ENCODING', message: 'content-encoding "br" is not supported; supported: gzip, deflate, identity', accepted: ['gzip', 'deflate', 'identity'] },
    });

    const otlp = await post('/v1/metrics', ProtobufMetricsSerializer.serializeRequest(gpuGauges(TS, 1)) as Uint8Array, { 'content-type': 'application/x-protobuf', 'content-encoding': 'br' });
    expect(otlp.status).toBe(415);
    expect(otlp.headers.get('content-type')).toMatch(/^application\/x-protobuf/);
    expect((await decodeRpcStatus(new Uint8Array(await otlp.arrayBuffer()))).message).toContain('supported: gzip, deflate, identity');

    const ves = await post('/eventListener/v7', '{}', { 'content-type': 'application/json', 'content-encoding': 'br' });
    expect(ves.status).toBe(415);
    expect(await ves.json()).toMatchObject({ fieldErrors: [{ path: '$', code: 'UNSUPPORTED_CONTENT_ENCODING', message: expect.stringContaining('supported: gzip, deflate, identity') }] });
  });

  it('refuses a body that is not what its Content-Encoding says with 400', async () => {
    const response = await post('/v1/telemetry', '{"records":[]}', { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'INVALID_CONTENT_ENCODING' } });
  });

  /** Resident set now and at its peak (kB → MiB), from the kernel's view of the ingest process. */
  async function memory(pid: number): Promise<{ rssMiB: number; peakMiB: number }> {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)![1]);
    return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
  }

  it('refuses decompression bombs with 413 without inflating them: memory stays flat', async () => {
    // 64 MiB of zeros: about 64 KiB on the wire, 64 times the 1 MiB limit once inflated.
    const zeros = Buffer.alloc(64 * LIMIT);
    const bombs = [
      { path: '/v1/telemetry', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipSync(zeros, { level: 9 }) },
      { path: `/v1/prometheus?site=${SITE}`, headers: { 'content-type': 'text/plain', 'content-encoding': 'deflate' }, body: deflateSync(zeros, { level: 9 }) },
      { path: '/v1/metrics', headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' }, body: gzipSync(zeros, { level: 9 }) },
    ];
    for (const bomb of bombs) expect(bomb.body.length).toBeLessThan(LIMIT / 8);
    const send = async (i: number) => {
      const bomb = bombs[i % bombs.length];
      const response = await post(bomb.path, bomb.body, bomb.headers);
      await response.arrayBuffer();
      return response.status;
    };

    const rounds = async (count: number) => {
      const statuses: number[] = [];
      for (let round = 0; round < count; round++) statuses.push(...(await Promise.all(Array.from({ length: 8 }, (_, i) => send(round * 8 + i)))));
      return statuses;
    };
    // Warm up as loaded as measured (code paths, the heap, zlib's and the allocator's buffers), then measure around 48 bombs, 8 at a time.
    expect(await rounds(2)).toEqual(Array(16).fill(413));
    const before = await memory(ingest.pid);
    const statuses = await rounds(6);
    const after = await memory(ingest.pid);
    // Figures for the record: what the kernel says the process holds, now and at its peak.
    process.stdout.write(`ingest memory around 48 bombs of 64 MiB: RSS ${before.rssMiB.toFixed(1)} → ${after.rssMiB.toFixed(1)} MiB, peak ${before.peakMiB.toFixed(1)} → ${after.peakMiB.toFixed(1)} MiB\n`);

    expect(statuses).toEqual(Array(48).fill(413));
    // Inflating even one bomb whole would take 64 MiB; eight at once, 512 MiB.
    expect(after.peakMiB - before.peakMiB).toBeLessThan(64);
    expect(after.rssMiB - before.rssMiB).toBeLessThan(64);

    const native = await post('/v1/telemetry', bombs[0].body, bombs[0].headers);
    expect(await native.json()).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: `the request body is larger than ${LIMIT} bytes once decoded` } });
    const otlp = await post('/v1/metrics', bombs[2].body, bombs[2].headers);
    expect((await decodeRpcStatus(new Uint8Array(await otlp.arrayBuffer()))).message).toContain('PAYLOAD_TOO_LARGE');
    // And the process still takes ordinary compressed requests.
    const record = { type: 'cell', siteId: SITE, cellId: CELL, ts: new Date(TS + 4000).toISOString(), intervalMs: 15_000, gpuMs: 1 };
    const ok = await post('/v1/telemetry', gzipSync(JSON.stringify({ records: [record] })), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(ok.status).toBe(202);
  });
});
