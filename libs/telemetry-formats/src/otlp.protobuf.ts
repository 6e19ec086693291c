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
type Decoder = (reader: WireReader, path: string) => Json;

/** Decodes an ExportMetricsServiceRequest, or throws FormatError (MALFORMED_BODY) naming the path and byte offset. */
export function decodeOtlpMetricsProtobuf(bytes: Uint8Array): Json {
  try {
    return decodeMessage(new WireReader(bytes), '$', { 1: repeated('resourceMetrics', resourceMetrics) });
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
function grpcCode(httpStatus: number): number {
  const codes: Record<number, number> = { 400: 3, 401: 16, 403: 7, 404: 5, 413: 8, 415: 3, 422: 3, 429: 8, 503: 14 };
  return codes[httpStatus] ?? (httpStatus >= 500 ? 13 : 2);
}

/** How one field number is read into the JSON object. */
type FieldSpec = (reader: WireReader, field: WireField, into: Json, path: string) => void;

function decodeMessage(reader: WireReader, path: string, fields: Record<number, FieldSpec>): Json {
  const into: Json = {};
  for (let field = reader.next(); field; field = reader.next()) {
    const spec = fields[field.number];
    if (spec) inside(path, () => spec(reader, field, into, path));
    else reader.skip(field);
  }
  return into;
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

function repeated(name: string, decode: Decoder): FieldSpec {
  return (reader, field, into, path) => {
    reader.expect(field, WireType.LengthDelimited);
    const list = (into[name] ??= []) as Json[];
    list.push(decode(reader.message(), `${path}.${name}[${list.length}]`));
  };
}

function single(name: string, decode: Decoder): FieldSpec {
  return (reader, field, into, path) => {
    reader.expect(field, WireType.LengthDelimited);
    into[name] = decode(reader.message(), `${path}.${name}`);
  };
}

/** A member of a oneof: setting it clears the others (the last member on the wire wins). */
function oneOf(members: readonly string[], fields: Record<number, FieldSpec>): Record<number, FieldSpec> {
  return Object.fromEntries(
    Object.entries(fields).map(([number, spec]) => [
      number,
      ((reader, field, into, path) => {
        for (const member of members) delete into[member];
        spec(reader, field, into, path);
      }) satisfies FieldSpec,
    ]),
  );
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

const anyValue: Decoder = (reader, path) =>
  decodeMessage(
    reader,
    path,
    oneOf(['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'], {
      1: string('stringValue'),
      2: small('boolValue', 'bool'),
      3: (r, f, into) => {
        r.expect(f, WireType.Varint);
        into.intValue = BigInt.asIntN(64, r.varint()).toString();
      },
      4: double('doubleValue'),
      5: single('arrayValue', (r, p) => decodeMessage(r, p, { 1: repeated('values', anyValue) })),
      6: single('kvlistValue', (r, p) => decodeMessage(r, p, { 1: repeated('values', keyValue) })),
      7: (r, f, into) => {
        r.expect(f, WireType.LengthDelimited);
        into.bytesValue = Buffer.from(r.bytesValue()).toString('base64');
      },
    }),
  );

const keyValue: Decoder = (reader, path) => decodeMessage(reader, path, { 1: string('key'), 2: single('value', anyValue) });

const attributes = (name = 'attributes') => repeated(name, keyValue);

const resource: Decoder = (reader, path) => decodeMessage(reader, path, { 1: attributes(), 2: small('droppedAttributesCount') });

const scope: Decoder = (reader, path) => decodeMessage(reader, path, { 1: string('name'), 2: string('version'), 3: attributes(), 4: small('droppedAttributesCount') });

const numberDataPoint: Decoder = (reader, path) =>
  decodeMessage(reader, path, { 7: attributes(), 2: fixed64('startTimeUnixNano'), 3: fixed64('timeUnixNano'), ...oneOf(['asDouble', 'asInt'], { 4: double('asDouble'), 6: sfixed64('asInt') }), 8: small('flags') });

/**
 * Histogram, exponential histogram and summary points: airan ingests gauges and sums only, so these are
 * read far enough to be reported (attributes, times, flags) and their buckets are skipped.
 */
const otherDataPoint =
  (attributesField: number, flagsField: number): Decoder =>
  (reader, path) =>
    decodeMessage(reader, path, { [attributesField]: attributes(), 2: fixed64('startTimeUnixNano'), 3: fixed64('timeUnixNano'), [flagsField]: small('flags') });

const dataOf = (point: Decoder, extra: Record<number, FieldSpec> = {}): Decoder => (reader, path) => decodeMessage(reader, path, { 1: repeated('dataPoints', point), ...extra });

const temporality = { 2: small('aggregationTemporality') };

const metric: Decoder = (reader, path) =>
  decodeMessage(reader, path, {
    1: string('name'),
    2: string('description'),
    3: string('unit'),
    ...oneOf(['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'], {
      5: single('gauge', dataOf(numberDataPoint)),
      7: single('sum', dataOf(numberDataPoint, { ...temporality, 3: small('isMonotonic', 'bool') })),
      9: single('histogram', dataOf(otherDataPoint(9, 10), temporality)),
      10: single('exponentialHistogram', dataOf(otherDataPoint(1, 10), temporality)),
      11: single('summary', dataOf(otherDataPoint(7, 8))),
    }),
    12: attributes('metadata'),
  });

const scopeMetrics: Decoder = (reader, path) => decodeMessage(reader, path, { 1: single('scope', scope), 2: repeated('metrics', metric), 3: string('schemaUrl') });

const resourceMetrics: Decoder = (reader, path) => decodeMessage(reader, path, { 1: single('resource', resource), 2: repeated('scopeMetrics', scopeMetrics), 3: string('schemaUrl') });
