import { ValueType } from '@opentelemetry/api';
import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { FormatError } from './format-error';
import { parseOtlpMetrics } from './otlp.parser';
import { MAX_MESSAGE_DEPTH, decodeOtlpMetricsProtobuf, encodeOtlpMetricsResponse, encodeRpcStatus } from './otlp.protobuf';
import { WireReader, WireType } from './protobuf-wire';

// The oracle is OpenTelemetry's own serializers: the same SDK data encoded as protobuf (then decoded here)
// and as OTLP/JSON must give the same document, apart from the defaults proto3 never puts on the wire.

const SECONDS = 1_795_884_583;
/** 1795884583123456789 ns: beyond 2^53, so any trip through a JS number would change it. */
const TIME: [number, number] = [SECONDS, 123_456_789];
const START: [number, number] = [SECONDS - 5, 123_456_789];
const scope = { name: 'airan-site-agent', version: '1.2.0' };

function numberMetric(name: string, type: DataPointType.GAUGE | DataPointType.SUM, points: Array<{ value: number; attributes: Record<string, unknown> }>, extra: { unit?: string; valueType?: ValueType; temporality?: AggregationTemporality } = {}) {
  return {
    descriptor: { name, description: '', unit: extra.unit ?? '', valueType: extra.valueType ?? ValueType.DOUBLE },
    aggregationTemporality: extra.temporality ?? AggregationTemporality.DELTA,
    dataPointType: type,
    isMonotonic: true,
    dataPoints: points.map((p) => ({ startTime: START, endTime: TIME, attributes: p.attributes, value: p.value })),
  };
}

function request(metrics: unknown[], resource: Record<string, unknown> = { 'airan.site.id': 'skt-pangyo-01', 'host.name': 'pgy-gh200-01' }): ResourceMetrics {
  return { resource: resourceFromAttributes(resource as never), scopeMetrics: [{ scope, metrics: metrics as never }] };
}

/**
 * Members of a oneof (a point's value, an attribute's value) have presence in proto3: a zero, false or
 * empty string there is on the wire and is data, so the comparison keeps it.
 */
const ONEOF_MEMBERS = new Set(['asDouble', 'asInt', 'stringValue', 'boolValue', 'intValue', 'doubleValue', 'bytesValue']);

/**
 * One spelling for both documents: proto3 defaults (empty strings, zeros, false) of plain fields dropped,
 * since whether they reach the wire is the writer's choice, but never those of oneof members; int64
 * values as decimal strings (OpenTelemetry's JSON writer uses numbers, the canonical proto3 JSON mapping
 * strings; airan's parser takes both).
 */
function canonical(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => canonical(v));
  if (typeof value === 'number' && (key === 'asInt' || key === 'intValue')) return String(value);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const kept = canonical(v, k);
    if (kept === undefined) continue;
    if (!ONEOF_MEMBERS.has(k) && (kept === '' || kept === 0 || kept === false)) continue;
    out[k] = kept;
  }
  return out;
}

const protobuf = (data: ResourceMetrics) => ProtobufMetricsSerializer.serializeRequest(data) as Uint8Array;
const json = (data: ResourceMetrics) => JSON.parse(Buffer.from(JsonMetricsSerializer.serializeRequest(data) as Uint8Array).toString('utf8'));

const BOUNDS = { now: SECONDS * 1000, maxFutureMs: 60_000, maxAgeMs: 86_400_000 };

describe('decodeOtlpMetricsProtobuf', () => {
  it('decodes gauges and sums into the same document as the OTLP/JSON encoding, nanoseconds exact', () => {
    const data = request([
      numberMetric('DCGM_FI_DEV_GPU_TEMP', DataPointType.GAUGE, [{ value: 61.5, attributes: { gpu: '0', Hostname: 'pgy-gh200-01' } }], { unit: 'Cel' }),
      numberMetric('airan.inference.requests', DataPointType.SUM, [{ value: 120, attributes: { 'airan.cell.id': 'cell-1' } }], { valueType: ValueType.INT }),
      numberMetric('airan.inference.tokens', DataPointType.SUM, [{ value: -3, attributes: { 'airan.cell.id': 'cell-1' } }], { valueType: ValueType.INT, temporality: AggregationTemporality.CUMULATIVE }),
      numberMetric('DCGM_FI_DEV_GPU_UTIL', DataPointType.GAUGE, [{ value: 0, attributes: { gpu: '1', Hostname: 'pgy-gh200-01' } }], { unit: '%' }),
      numberMetric('airan.inference.requests', DataPointType.SUM, [{ value: 0, attributes: { 'airan.cell.id': 'cell-2' } }], { valueType: ValueType.INT }),
    ]);
    const decoded = decodeOtlpMetricsProtobuf(protobuf(data));
    expect(canonical(decoded)).toEqual(canonical(json(data)));
    const metrics = (decoded as any).resourceMetrics[0].scopeMetrics[0].metrics;
    expect(metrics[0].gauge.dataPoints[0].timeUnixNano).toBe('1795884583123456789');
    expect(metrics[1].sum.dataPoints[0].asInt).toBe('120');
    expect(metrics[2].sum.dataPoints[0].asInt).toBe('-3');
    // Zero values are on the wire (oneof members) and must survive decoding.
    expect(metrics[3].gauge.dataPoints[0].asDouble).toBe(0);
    expect(metrics[4].sum.dataPoints[0].asInt).toBe('0');
  });

  it('decodes every attribute value kind as OTLP/JSON spells it', () => {
    const attributes = { s: 'text', b: true, i: -42, d: 2.5, a: ['x', 7], big: 9007199254740993n as never, empty: '', no: false, zero: 0, zeros: ['', 0, false] };
    const data = request([numberMetric('DCGM_FI_DEV_POWER_USAGE', DataPointType.GAUGE, [{ value: 300, attributes: { gpu: '1', ...attributes } }], { unit: 'W' })]);
    const decoded = decodeOtlpMetricsProtobuf(protobuf(data));
    expect(canonical(decoded)).toEqual(canonical(json(data)));
  });

  it('maps to the same records as the JSON encoding, with one parser behind both', () => {
    const data = request([
      numberMetric('DCGM_FI_DEV_GPU_UTIL', DataPointType.GAUGE, [{ value: 87, attributes: { gpu: '0' } }], { unit: '%' }),
      numberMetric('airan.inference.gpu_ms', DataPointType.SUM, [{ value: 2500, attributes: { 'airan.cell.id': 'cell-1' } }], { valueType: ValueType.INT, unit: 'ms' }),
      numberMetric('DCGM_FI_DEV_GPU_UTIL', DataPointType.GAUGE, [{ value: 0, attributes: { gpu: '1' } }], { unit: '%' }),
      numberMetric('airan.inference.gpu_ms', DataPointType.SUM, [{ value: 0, attributes: { 'airan.cell.id': 'cell-2' } }], { valueType: ValueType.INT, unit: 'ms' }),
    ]);
    const fromProtobuf = parseOtlpMetrics(decodeOtlpMetricsProtobuf(protobuf(data)), BOUNDS);
    expect(fromProtobuf).toEqual(parseOtlpMetrics(json(data), BOUNDS));
    expect(fromProtobuf.accepted).toBe(4);
    expect(fromProtobuf.ignoredRecords).toBe(0);
    expect(fromProtobuf.sites[0].cells).toEqual([
      expect.objectContaining({ cellId: 'cell-1', ts: 1_795_884_583_123, intervalMs: 5000, gpuMs: 2500 }),
      expect.objectContaining({ cellId: 'cell-2', ts: 1_795_884_583_123, intervalMs: 5000, gpuMs: 0 }),
    ]);
    expect(fromProtobuf.sites[0].gpus).toEqual([
      expect.objectContaining({ node: 'pgy-gh200-01', device: '0', ts: 1_795_884_583_123, utilPct: 87 }),
      expect.objectContaining({ node: 'pgy-gh200-01', device: '1', ts: 1_795_884_583_123, utilPct: 0 }),
    ]);
  });

  it('keeps a histogram point far enough to reject it with its path (airan takes gauges and sums)', () => {
    const data = request([
      {
        descriptor: { name: 'airan.inference.latency_p95_ms', description: '', unit: 'ms', valueType: ValueType.DOUBLE },
        aggregationTemporality: AggregationTemporality.DELTA,
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints: [{ startTime: START, endTime: TIME, attributes: { 'airan.cell.id': 'cell-1' }, value: { buckets: { boundaries: [10, 100], counts: [1, 2, 0] }, sum: 120, count: 3, min: 5, max: 90 } }],
      },
    ]);
    const decoded = decodeOtlpMetricsProtobuf(protobuf(data)) as any;
    expect(decoded.resourceMetrics[0].scopeMetrics[0].metrics[0].histogram).toEqual({
      aggregationTemporality: 1,
      dataPoints: [{ attributes: [{ key: 'airan.cell.id', value: { stringValue: 'cell-1' } }], startTimeUnixNano: '1795884578123456789', timeUnixNano: '1795884583123456789' }],
    });
    const parsed = parseOtlpMetrics(decoded, BOUNDS);
    expect(parsed.rejected[0].errors[0]).toMatchObject({ path: '$.resourceMetrics[0].scopeMetrics[0].metrics[0].histogram', code: 'INVALID_TYPE' });
  });

  it('skips unknown fields and lets the last member of a oneof win, as protobuf decoders do', () => {
    // ExportMetricsServiceRequest { 99: varint 5 (unknown), resourceMetrics: { scopeMetrics: { metrics: { name: "m", gauge: { dataPoints: { asInt: 1, asDouble: 2.5 } } } } } }
    const point = [...bytesField(6, fixed64le(1n)), ...bytesField(4, float64le(2.5))];
    const gauge = lengthDelimited(1, point);
    const metric = [...lengthDelimited(1, utf8('m')), ...lengthDelimited(5, gauge)];
    const body = Uint8Array.from([...varintField(99, 5), ...lengthDelimited(1, lengthDelimited(2, lengthDelimited(2, metric)))]);
    expect(decodeOtlpMetricsProtobuf(body)).toEqual({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'm', gauge: { dataPoints: [{ asDouble: 2.5 }] } }] }] }] });
  });

  it('writes non-finite doubles as the OTLP/JSON strings', () => {
    const body = Uint8Array.from(lengthDelimited(1, lengthDelimited(2, lengthDelimited(2, lengthDelimited(5, lengthDelimited(1, bytesField(4, float64le(Number.NaN))))))));
    expect((decodeOtlpMetricsProtobuf(body) as any).resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0].asDouble).toBe('NaN');
  });

  describe('rejects a body that is not protobuf with MALFORMED_BODY, the path and the byte offset', () => {
    const cases: Array<[string, number[], string, RegExp]> = [
      ['truncated length', [0x0a, 0x05, 0x12], '$', /length 5 runs past the end of the message at byte 1/],
      ['wrong wire type for resourceMetrics', [0x08, 0x01], '$', /field 1 has wire type 0, expected 2 at byte 0/],
      ['deprecated group wire type', [0x0b], '$', /wire type 3 of field 1 is not supported/],
      ['varint longer than 10 bytes (unknown field 15)', [0x78, ...new Array(11).fill(0xff)], '$', /varint longer than 10 bytes at byte 11/],
      ['truncated varint (unknown field 15)', [0x78, 0x80], '$', /truncated varint at byte 2/],
      ['field number 0', [0x02, 0x00], '$', /field number 0 is out of range at byte 0/],
      ['a metric name that is not UTF-8', lengthDelimited(1, lengthDelimited(2, lengthDelimited(2, lengthDelimited(1, [0xc3, 0x28])))), '$.resourceMetrics[0].scopeMetrics[0].metrics[0]', /string is not valid UTF-8 at byte 8/],
      ['a truncated timestamp', lengthDelimited(1, lengthDelimited(2, lengthDelimited(2, lengthDelimited(5, lengthDelimited(1, [0x19, 1, 2, 3]))))), '$.resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0]', /truncated 64-bit value at byte 11/],
      ['a timestamp sent as a varint', lengthDelimited(1, lengthDelimited(2, lengthDelimited(2, lengthDelimited(5, lengthDelimited(1, [0x18, 1]))))), '$.resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0]', /field 3 has wire type 0, expected 1/],
    ];
    it.each(cases)('%s', (_name, bytes, path, message) => {
      let thrown: unknown;
      try {
        decodeOtlpMetricsProtobuf(Uint8Array.from(bytes));
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(FormatError);
      const error = thrown as FormatError;
      expect(error.code).toBe('MALFORMED_BODY');
      expect(error.errors).toHaveLength(1);
      expect(error.errors[0].path).toBe(path);
      expect(error.errors[0].code).toBe('INVALID_VALUE');
      expect(error.errors[0].message).toMatch(message);
    });
  });

  it('refuses attribute values nested deeper than MAX_MESSAGE_DEPTH messages before recursion can exhaust the stack', () => {
    // A resource attribute whose value is an array holding an array … 200 levels down.
    let value: number[] = [];
    for (let level = 0; level < 200; level++) value = lengthDelimited(5, lengthDelimited(1, value));
    const body = Uint8Array.from(lengthDelimited(1, lengthDelimited(1, lengthDelimited(1, [...lengthDelimited(1, utf8('deep')), ...lengthDelimited(2, value)]))));
    let thrown: unknown;
    try {
      decodeOtlpMetricsProtobuf(body);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(FormatError);
    expect((thrown as FormatError).errors[0].message).toMatch(new RegExp(`^messages nested deeper than ${MAX_MESSAGE_DEPTH} at byte \\d+$`));
    expect((thrown as FormatError).errors[0].path).toMatch(/^\$\.resourceMetrics\[0\]\.resource\.attributes\[0\]\.value(\.arrayValue(\.values\[0\])?)+$/);
  });

  it('takes an empty body as an empty request', () => {
    expect(decodeOtlpMetricsProtobuf(new Uint8Array())).toEqual({});
  });
});

describe('OTLP protobuf responses', () => {
  it('encodes full success as an empty message and partial success as OpenTelemetry reads it', () => {
    expect(encodeOtlpMetricsResponse(0, '')).toEqual(new Uint8Array());
    expect(ProtobufMetricsSerializer.deserializeResponse(encodeOtlpMetricsResponse(3, '3 data points rejected'))).toEqual({
      partialSuccess: { rejectedDataPoints: expect.anything(), errorMessage: '3 data points rejected' },
    });
    const response = ProtobufMetricsSerializer.deserializeResponse(encodeOtlpMetricsResponse(3, 'x')) as { partialSuccess: { rejectedDataPoints: unknown } };
    expect(Number(String(response.partialSuccess.rejectedDataPoints))).toBe(3);
  });

  it('encodes a warning as partial success with nothing rejected and a message', () => {
    const response = ProtobufMetricsSerializer.deserializeResponse(encodeOtlpMetricsResponse(0, '2 data points accepted and ignored')) as { partialSuccess: { rejectedDataPoints?: unknown; errorMessage: string } };
    expect(response.partialSuccess.errorMessage).toBe('2 data points accepted and ignored');
    expect(Number(String(response.partialSuccess.rejectedDataPoints ?? 0))).toBe(0);
  });

  it.each([
    [400, 3],
    [401, 16],
    [403, 7],
    [413, 8],
    [415, 3],
    [422, 3],
    [503, 14],
    [500, 13],
    [418, 2],
  ])('encodes HTTP %i as google.rpc.Status code %i with the message', (httpStatus, code) => {
    const reader = new WireReader(encodeRpcStatus(httpStatus, 'why it failed'));
    const fields: Record<number, unknown> = {};
    for (let field = reader.next(); field; field = reader.next()) fields[field.number] = field.wireType === WireType.Varint ? Number(reader.varint()) : reader.string();
    expect(fields).toEqual({ 1: code, 2: 'why it failed' });
  });
});

// Hand-built wire bytes for the cases OpenTelemetry's serializer never produces.
function varint(value: bigint): number[] {
  const out: number[] = [];
  do {
    const low = Number(value & 0x7fn);
    value >>= 7n;
    out.push(value === 0n ? low : low | 0x80);
  } while (value !== 0n);
  return out;
}
function key(field: number, wireType: number): number[] {
  return varint(BigInt((field << 3) | wireType));
}
function varintField(field: number, value: number): number[] {
  return [...key(field, 0), ...varint(BigInt(value))];
}
function lengthDelimited(field: number, bytes: number[]): number[] {
  return [...key(field, 2), ...varint(BigInt(bytes.length)), ...bytes];
}
function bytesField(field: number, fixed: number[]): number[] {
  return [...key(field, 1), ...fixed];
}
function utf8(text: string): number[] {
  return [...Buffer.from(text, 'utf8')];
}
function fixed64le(value: bigint): number[] {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, value, true);
  return [...new Uint8Array(view.buffer)];
}
function float64le(value: number): number[] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value, true);
  return [...new Uint8Array(view.buffer)];
}
