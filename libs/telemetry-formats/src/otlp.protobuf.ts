import { FormatError } from './format-error';
import { type WireField, WireError, WireReader, WireType, WireWriter } from './protobuf-wire';

/**
 * OTLP/HTTP metrics in the protobuf encoding (`application/x-protobuf`), decoded into the OTLP/JSON shape
 * (proto3 JSON mapping: camelCase names, 64-bit integers as decimal strings, non-finite doubles as
 * "NaN"/"Infinity", bytes as base64) so `parseOtlpMetrics` validates and maps both encodings the same way,
 * and error paths and dead letters read the same whatever the client sent.
 *
 * Schema: opentelemetry-proto `collector/metrics/v1/metrics_service.proto` and `metrics/v1/metrics.proto`.
 * Unknown fields are skipped, as protobuf requires.
 */

type Json = Record<string, unknown>;
type Decoder = (reader: WireReader, path: string, depth: number) => Json;
/** How one field number is read into the JSON object. */
type FieldSpec = (reader: WireReader, field: WireField, into: Json, path: string, depth: number) => void;

/**
 * Messages nested deeper than this are refused: OTLP needs 8 (request to AnyValue), only array and kvlist
 * attribute values nest further, and decoding recursion must never run out of stack. In the JSON form
 * this bound stays within the 64 levels ingest allows JSON bodies.
 */
export const MAX_MESSAGE_DEPTH = 24;

/** Decodes an ExportMetricsServiceRequest, or throws FormatError (MALFORMED_BODY) naming the path and byte offset. */
export function decodeOtlpMetricsProtobuf(bytes: Uint8Array): Json {
  try {
    return exportRequest(new WireReader(bytes), '$', 0);
  } catch (error) {
    if (!(error instanceof WireError)) throw error;
    throw new FormatError('MALFORMED_BODY', 'not a protobuf ExportMetricsServiceRequest', [{ path: error.path ?? '$', code: 'INVALID_VALUE', message: error.message }]);
  }
}

/**
 * ExportMetricsServiceResponse: empty on full success, else `partial_success` with the rejected count and
 * the message (OTLP's warning form when the count is 0 and the message is not empty).
 */
export function encodeOtlpMetricsResponse(rejectedDataPoints: number, errorMessage: string): Uint8Array {
  const response = new WireWriter();
  if (rejectedDataPoints > 0 || errorMessage !== '') response.messageField(1, new WireWriter().varintField(1, rejectedDataPoints).stringField(2, errorMessage));
  return response.finish();
}

/** google.rpc.Status, the body OTLP/HTTP prescribes for a failed protobuf request. */
export function encodeRpcStatus(httpStatus: number, message: string): Uint8Array {
  return new WireWriter().varintField(1, grpcCode(httpStatus)).stringField(2, message).finish();
}

/** The gRPC code of an HTTP status, as the OTLP/HTTP spec pairs them. */
const GRPC_CODES: Readonly<Record<number, number>> = { 400: 3, 401: 16, 403: 7, 404: 5, 413: 8, 415: 3, 422: 3, 429: 8, 503: 14 };

function grpcCode(httpStatus: number): number {
  return GRPC_CODES[httpStatus] ?? (httpStatus >= 500 ? 13 : 2);
}


/** A message decoder over a field table built once, at module load. */
function messageOf(fields: Record<number, FieldSpec>): Decoder {
  return (reader, path, depth) => {
    if (depth > MAX_MESSAGE_DEPTH) throw Object.assign(new WireError(reader.offset, `messages nested deeper than ${MAX_MESSAGE_DEPTH}`), { path });
    const into: Json = {};
    for (let field = reader.next(); field; field = reader.next()) {
      const spec = fields[field.number];
      if (spec) inside(path, () => spec(reader, field, into, path, depth));
      else reader.skip(field);
    }
    return into;
  };
}

/** Attributes the innermost message's path to a wire error raised while reading it. */
function inside(path: string, read: () => void): void {
  try {
    read();
  } catch (error) {
    if (error instanceof WireError && error.path === undefined) error.path = path;
    throw error;
  }
}

/** `decode` is looked up when a field is read, so a table may name decoders defined after it (AnyValue nests itself). */
function repeated(name: string, decode: () => Decoder): FieldSpec {
  return (reader, field, into, path, depth) => {
    reader.expect(field, WireType.LengthDelimited);
    const list = (into[name] ??= []) as Json[];
    list.push(decode()(reader.message(), `${path}.${name}[${list.length}]`, depth + 1));
  };
}

function single(name: string, decode: () => Decoder): FieldSpec {
  return (reader, field, into, path, depth) => {
    reader.expect(field, WireType.LengthDelimited);
    into[name] = decode()(reader.message(), `${path}.${name}`, depth + 1);
  };
}

/** Members of a oneof: setting one clears the others (the last member on the wire wins). */
function oneOf(members: readonly string[], fields: Record<number, FieldSpec>): Record<number, FieldSpec> {
  const clearing =
    (spec: FieldSpec): FieldSpec =>
    (reader, field, into, path, depth) => {
      for (const member of members) delete into[member];
      spec(reader, field, into, path, depth);
    };
  return Object.fromEntries(Object.entries(fields).map(([number, spec]) => [number, clearing(spec)]));
}

const string =
  (name: string): FieldSpec =>
  (reader, field, into) => {
    reader.expect(field, WireType.LengthDelimited);
    into[name] = reader.string();
  };

/** uint32 / enum / bool scalars: JSON numbers (booleans for bool). */
const small =
  (name: string, kind: 'number' | 'bool' = 'number'): FieldSpec =>
  (reader, field, into) => {
    reader.expect(field, WireType.Varint);
    const value = reader.varint();
    into[name] = kind === 'bool' ? value !== 0n : Number(BigInt.asUintN(32, value));
  };

/** fixed64 nanosecond timestamps: decimal strings, never through a JS number. */
const fixed64 =
  (name: string): FieldSpec =>
  (reader, field, into) => {
    reader.expect(field, WireType.Fixed64);
    into[name] = reader.fixed64().getBigUint64(0, true).toString();
  };

const double =
  (name: string): FieldSpec =>
  (reader, field, into) => {
    reader.expect(field, WireType.Fixed64);
    into[name] = jsonDouble(reader.fixed64().getFloat64(0, true));
  };

const sfixed64 =
  (name: string): FieldSpec =>
  (reader, field, into) => {
    reader.expect(field, WireType.Fixed64);
    into[name] = reader.fixed64().getBigInt64(0, true).toString();
  };

function jsonDouble(value: number): number | string {
  if (Number.isFinite(value)) return value;
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

const anyValue: Decoder = messageOf(
  oneOf(['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'], {
    1: string('stringValue'),
    2: small('boolValue', 'bool'),
    3: (r, f, into) => {
      r.expect(f, WireType.Varint);
      into.intValue = BigInt.asIntN(64, r.varint()).toString();
    },
    4: double('doubleValue'),
    5: single('arrayValue', () => arrayValue),
    6: single('kvlistValue', () => kvlistValue),
    7: (r, f, into) => {
      r.expect(f, WireType.LengthDelimited);
      into.bytesValue = Buffer.from(r.bytesValue()).toString('base64');
    },
  }),
);
const keyValue: Decoder = messageOf({ 1: string('key'), 2: single('value', () => anyValue) });
const arrayValue: Decoder = messageOf({ 1: repeated('values', () => anyValue) });
const kvlistValue: Decoder = messageOf({ 1: repeated('values', () => keyValue) });

const attributes = (name = 'attributes') => repeated(name, () => keyValue);

const resource: Decoder = messageOf({ 1: attributes(), 2: small('droppedAttributesCount') });

const scope: Decoder = messageOf({ 1: string('name'), 2: string('version'), 3: attributes(), 4: small('droppedAttributesCount') });

const numberDataPoint: Decoder = messageOf({ 7: attributes(), 2: fixed64('startTimeUnixNano'), 3: fixed64('timeUnixNano'), ...oneOf(['asDouble', 'asInt'], { 4: double('asDouble'), 6: sfixed64('asInt') }), 8: small('flags') });

/**
 * Histogram, exponential histogram and summary points: airan ingests gauges and sums only, so these are
 * read far enough to be reported (attributes, times, flags) and their buckets are skipped.
 */
const otherDataPoint = (attributesField: number, flagsField: number): Decoder =>
  messageOf({ [attributesField]: attributes(), 2: fixed64('startTimeUnixNano'), 3: fixed64('timeUnixNano'), [flagsField]: small('flags') });

const dataOf = (point: Decoder, extra: Record<number, FieldSpec> = {}): Decoder => messageOf({ 1: repeated('dataPoints', () => point), ...extra });

const temporality = { 2: small('aggregationTemporality') };
const gauge = dataOf(numberDataPoint);
const sum = dataOf(numberDataPoint, { ...temporality, 3: small('isMonotonic', 'bool') });
const histogram = dataOf(otherDataPoint(9, 10), temporality);
const exponentialHistogram = dataOf(otherDataPoint(1, 10), temporality);
const summary = dataOf(otherDataPoint(7, 8));

const metric: Decoder = messageOf({
  1: string('name'),
  2: string('description'),
  3: string('unit'),
  ...oneOf(['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'], {
    5: single('gauge', () => gauge),
    7: single('sum', () => sum),
    9: single('histogram', () => histogram),
    10: single('exponentialHistogram', () => exponentialHistogram),
    11: single('summary', () => summary),
  }),
  12: attributes('metadata'),
});

const scopeMetrics: Decoder = messageOf({ 1: single('scope', () => scope), 2: repeated('metrics', () => metric), 3: string('schemaUrl') });
const resourceMetrics: Decoder = messageOf({ 1: single('resource', () => resource), 2: repeated('scopeMetrics', () => scopeMetrics), 3: string('schemaUrl') });
const exportRequest: Decoder = messageOf({ 1: repeated('resourceMetrics', () => resourceMetrics) });
