import { ValueType } from '@opentelemetry/api';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType } from '@opentelemetry/sdk-metrics';
import { WireReader } from '@airan/telemetry-formats';
import { createPrng } from '@airan/demo-fleet';
import { BODIES_PER_FORMAT, type Case, CELL, MAX_BODY_BYTES, MAX_RECORDS, NODE, SITE, TS, ingestFuzz } from './support/ingest-fuzz.fixture';

/**
 * The OTLP protobuf and Prometheus text ingest routes under generated malformed input (the set-up is
 * test/support/ingest-fuzz.fixture.ts): each answer is a 4xx with that route's own error body (OTLP
 * protobuf: a google.rpc.Status), and the process stays up without logging a failure. The generator is
 * seeded, so a failing body replays; each body is broken by construction (see the generators), and the
 * unbroken template is checked to be accepted first, so the refusals come from the breakage.
 */
describe('ingest: fuzzed malformed bodies', () => {
  const fx = ingestFuzz();
  const { fuzz, expectStillUp } = fx;

  beforeAll(() => fx.start());
  afterAll(() => fx.stop());

  it('answers 1,000 malformed OTLP protobuf bodies each with a 4xx and a google.rpc.Status', async () => {
    const cell = (value: number) => ({
      descriptor: { name: 'RRU.PrbTotDl', description: '', unit: '%', valueType: ValueType.DOUBLE },
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.GAUGE,
      dataPoints: [{ startTime: [Math.floor(TS / 1000) - 15, 0], endTime: [Math.floor(TS / 1000), 0], attributes: { 'airan.cell.id': CELL }, value }],
    });
    const encode = (value: number) => ProtobufMetricsSerializer.serializeRequest({ resource: resourceFromAttributes({ 'airan.site.id': SITE }), scopeMetrics: [{ scope: { name: 'fuzz' }, metrics: [cell(value)] as never }] }) as Uint8Array;
    const template = encode(44.25);
    const valid = await fetch(`${fx.ingest.url}/v1/metrics`, { method: 'POST', headers: { authorization: `Bearer ${fx.key}`, 'content-type': 'application/x-protobuf' }, body: template });
    expect(valid.status).toBe(200);

    const logsFrom = fx.ingest.logs.length;
    const random = createPrng(20261128 + 5);
    const cases = Array.from({ length: BODIES_PER_FORMAT }, (_, i) => malformedProtobuf(template, encode, random, i, MAX_BODY_BYTES));
    const { failures, statuses } = await fuzz('/v1/metrics', 'otlp-protobuf', cases);
    expect({ failures: failures.length, first: failures.slice(0, 5) }).toEqual({ failures: 0, first: [] });
    expect(statuses).toEqual([400, 413, 422]);
    await expectStillUp(logsFrom);
  });

  it('answers 1,000 malformed Prometheus pushes each with a 4xx and its error body', async () => {
    const gpu = `gpu="0",Hostname="${NODE}"`;
    const scrape = [`# TYPE DCGM_FI_DEV_GPU_UTIL gauge`, `DCGM_FI_DEV_GPU_UTIL{${gpu}} 71`, `DCGM_FI_DEV_POWER_USAGE{${gpu}} 312.5`, ''].join('\n');
    const valid = await fetch(`${fx.ingest.url}/v1/prometheus?site=${SITE}`, { method: 'POST', headers: { authorization: `Bearer ${fx.key}`, 'content-type': 'text/plain; version=0.0.4' }, body: scrape });
    expect(valid.status).toBe(202);

    const logsFrom = fx.ingest.logs.length;
    const random = createPrng(20261128 + 4);
    const cases = Array.from({ length: BODIES_PER_FORMAT }, (_, i) => malformedPrometheus(random, i, { site: SITE, node: NODE, scrape, maxRecords: MAX_RECORDS, maxBodyBytes: MAX_BODY_BYTES }));
    const { failures, statuses } = await fuzz('/v1/prometheus', 'airan', cases);
    expect({ failures: failures.length, first: failures.slice(0, 5) }).toEqual({ failures: 0, first: [] });
    expect(statuses).toEqual([400, 403, 413, 415, 422]);
    await expectStillUp(logsFrom);
  });
});

/**
 * An OTLP protobuf body broken one way, chosen by `i`. The template is one ExportMetricsServiceRequest
 * whose single top-level field (resourceMetrics) spans the whole body, so any truncation leaves a length
 * running past the end.
 */
function malformedProtobuf(template: Uint8Array, encode: (value: number) => Uint8Array, random: () => number, i: number, maxBodyBytes: number): Case {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const protobuf = (label: string, body: Uint8Array): Case => ({ label, body, contentType: 'application/x-protobuf' });
  switch (i % 6) {
    case 0:
      return protobuf('truncated', template.slice(0, 1 + Math.floor(random() * (template.length - 1))));
    case 1:
      // resourceMetrics (field 1) with another wire type: varint, fixed64, fixed32, or a deprecated group.
      return protobuf('wrong wire type', Uint8Array.from([pick([0x08, 0x09, 0x0d, 0x0b, 0x0c]), ...template.slice(1)]));
    case 2: {
      // The top-level length claims more bytes than follow.
      const extra = 1 + Math.floor(random() * 100_000);
      const reader = new WireReader(template);
      reader.next();
      const inner = reader.bytesValue();
      return protobuf('length past the end', Uint8Array.from([template[0], ...varint(inner.length + extra), ...inner]));
    }
    case 3: {
      // A byte of the metric name replaced by one that is never valid UTF-8.
      const at = Buffer.from(template).indexOf('RRU.PrbTotDl') + Math.floor(random() * 'RRU.PrbTotDl'.length);
      const body = Uint8Array.from(template);
      body[at] = pick([0xff, 0xfe, 0xc0, 0x80]);
      return protobuf('invalid UTF-8', body);
    }
    case 4:
      // Every point invalid: PRB use above 100 % or not a number.
      return protobuf('every point invalid', encode(pick([100.5, 250, -1, Number.NaN, Number.POSITIVE_INFINITY])));
    default:
      return protobuf('too large', Uint8Array.from([...template, ...new Uint8Array(maxBodyBytes)]));
  }
}

function varint(value: number): number[] {
  const out: number[] = [];
  do {
    const low = value % 128;
    value = Math.floor(value / 128);
    out.push(value === 0 ? low : low | 0x80);
  } while (value !== 0);
  return out;
}

/**
 * A Prometheus push broken one way, chosen by `i`. An empty exposition is valid (nothing to ingest), and
 * unknown metric names are ignored, so a broken text here has at least one line that is a record and
 * every such line is invalid.
 */
function malformedPrometheus(random: () => number, i: number, o: { site: string; node: string; scrape: string; maxRecords: number; maxBodyBytes: number }): Case {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const text = (label: string, body: string, query = `?site=${o.site}`): Case => ({ label, body, contentType: 'text/plain; version=0.0.4', query });
  const gpu = `gpu="0",Hostname="${o.node}"`;
  const brokenQuery = () =>
    pick([
      '',
      '?site=',
      '?site=nowhere-01',
      '?site=kt-daejeon-etri-01',
      `?site=${o.site}&intervalMs=${pick(['0', '-5', 'abc', '1e12', '3600001', '1.5'])}`,
      `?site=${o.site}&colour=blue`,
      `?site=${o.site}&site=${o.site}`,
      `?site=${encodeURIComponent('ü日本\u{1F4A5}')}`,
      `?site=${'a'.repeat(200)}`,
    ]);
  const brokenLine = () =>
    pick([
      () => `DCGM_FI_DEV_GPU_UTIL{${gpu} 71`,
      () => `DCGM_FI_DEV_GPU_UTIL{gpu=0,Hostname="${o.node}"} 71`,
      () => `DCGM_FI_DEV_GPU_UTIL{${gpu}} ${pick(['abc', '1,5', '日本', '--1', '1..2', ''])}`,
      () => `${pick(['9lives', 'τ_util', '-x', '{', '"quoted"'])} 1`,
      () => `# TYPE DCGM_FI_DEV_GPU_UTIL ${pick(['bogus', '', 'gauge gauge'])}`,
      () => `# HELP ${pick(['9bad', 'τ', '{'])} help text`,
      () => `DCGM_FI_DEV_GPU_UTIL{${gpu}} ${pick(['-5', '101', '1e400', 'NaN', '+Inf', '-Inf', '123456789012345678901234567890'])}`,
      () => `DCGM_FI_DEV_GPU_UTIL ${pick(['50', '1'])}`,
      () => `DCGM_FI_DEV_GPU_UTIL{gpu="0",Hostname="${pick(['日本', ' x', 'a'.repeat(200)])}"} 5`,
      () => `DCGM_FI_DEV_GPU_UTIL{${gpu}} 5 ${pick(['99999999999999999', '-1', 'abc', '1.5', '1 2'])}`,
      () => `DCGM_FI_DEV_GPU_UTIL${'{'.repeat(1 + Math.floor(random() * 4000))} 1`,
    ])();
  switch (i % 8) {
    case 0:
      return text('query', o.scrape, brokenQuery());
    case 1:
      return { label: 'media type', body: o.scrape, contentType: pick(['application/json', 'application/xml', 'application/x-www-form-urlencoded', 'application/octet-stream', 'text/html']), query: `?site=${o.site}` };
    case 2:
    case 3: {
      // Invalid record lines, mixed with ordinary comments and blank lines (which are not records).
      const lines = Array.from({ length: 1 + Math.floor(random() * 5) }, () => (random() < 0.2 ? pick(['# a comment', '', '   ']) + '\n' : '') + brokenLine());
      return text('broken lines', `${lines.join('\n')}${pick(['', '\n', '\r\n'])}`);
    }
    case 4:
      return random() < 0.5
        ? text('too many records', Array.from({ length: o.maxRecords + 1 }, (_, n) => `DCGM_FI_DEV_GPU_UTIL{gpu="${n}",Hostname="${o.node}"} 50`).join('\n'))
        : text('too large', `# ${'x'.repeat(o.maxBodyBytes)}\n${o.scrape}`);
    case 5:
      // Random characters on one line that starts as no metric name can.
      return text('random characters', `{${Array.from({ length: 1 + Math.floor(random() * 200) }, () => String.fromCharCode(14 + Math.floor(random() * 242))).join('')}`);
    case 6:
      return text('empty', pick(['', '\n', '# only a comment\n']), brokenQuery());
    default:
      return { label: 'json for text', body: JSON.stringify({ lines: [o.scrape] }).slice(0, -1 - Math.floor(random() * 3)), contentType: 'application/json', query: `?site=${o.site}` };
  }
}
