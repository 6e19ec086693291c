import { ValueType } from '@opentelemetry/api';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType } from '@opentelemetry/sdk-metrics';
import { WireReader } from '@airan/telemetry-formats';
import { createPrng } from '@airan/demo-fleet';
import { decodeRpcStatus } from './support/rpc-status';
import type { ServiceProcess } from './support/service-process';
import { createApiKey, dropDatabase, isolate, postWithNewKey } from './support/stack';
import { startServices } from './support/start-services';

/**
 * Every ingest route under generated malformed input: each answer is a 4xx with that route's own error
 * body (VES: `requestError`), and the process stays up without logging a failure. The generator is
 * seeded, so a failing body replays; each body is broken by construction (see the generators), and the
 * unbroken template is checked to be accepted first, so the refusals come from the breakage.
 */
describe('ingest: fuzzed malformed bodies', () => {
  const isolation = isolate();
  let ingest: ServiceProcess;
  let api: ServiceProcess;
  let key: string;
  const BODIES_PER_FORMAT = 1000;
  const CONCURRENCY = 8;
  const MAX_RECORDS = 20;
  const MAX_BODY_BYTES = 32_768;
  const SITE = 'skt-seoul-gangnam-01';
  const CELL = 'skt-seoul-gangnam-01-c1';
  const NODE = 'skt-seoul-gangnam-01-gpu01';
  const TS = Math.floor(Date.now() / 1000) * 1000 - 60_000;

  beforeAll(async () => {
    const env = { ...isolation.env, INGEST_MAX_RECORDS: String(MAX_RECORDS), INGEST_MAX_BODY_BYTES: String(MAX_BODY_BYTES) };
    ({ api, ingest } = await startServices({ api: env, ingest: env }));
    key = (await createApiKey(isolation, 'operator', 'skt')).key;
    // The key has reached ingest once it answers something other than 401; an empty batch writes nothing.
    await postWithNewKey(`${ingest.url}/v1/telemetry`, key, { records: [] });
  });

  afterAll(async () => {
    await Promise.all([ingest?.stop(), api?.stop()]);
    await dropDatabase(isolation);
  });

  const vesEvent = (): Json => ({
    commonEventHeader: {
      domain: 'measurement',
      eventId: `pm-${TS}`,
      eventName: 'Measurement_O_RAN_DU_PM1min',
      lastEpochMicrosec: TS * 1000,
      priority: 'Normal',
      reportingEntityName: 'o-du-gangnam-ves-agent',
      sequence: 7,
      sourceName: SITE,
      startEpochMicrosec: (TS - 60_000) * 1000,
      version: '4.1',
      vesEventListenerVersion: '7.2.1',
    },
    measurementFields: {
      measurementInterval: 60,
      measurementFieldsVersion: '4.0',
      additionalMeasurements: [
        { name: CELL, hashMap: { 'RRU.PrbTotDl': '63.5', 'airan.inference.gpu_ms': '9540.5' } },
        { name: `gpu:${NODE}/gpu0`, hashMap: { DCGM_FI_DEV_GPU_UTIL: '71', 'airan.gpu.radio_share': '0.25' } },
      ],
    },
  });
  const nativeRecord = (): Json => ({ type: 'cell', siteId: SITE, cellId: CELL, ts: new Date(TS).toISOString(), intervalMs: 15_000, gpuMs: 1200, prbDlPct: 41.5 });
  const otlpRequest = (points: number): Json => ({
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'airan.site.id', value: { stringValue: SITE } }] },
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'RRU.PrbTotDl',
                unit: '%',
                gauge: {
                  dataPoints: Array.from({ length: points }, (_, p) => ({
                    attributes: [{ key: 'airan.cell.id', value: { stringValue: CELL } }],
                    startTimeUnixNano: `${BigInt(TS - 15_000 - p) * 1_000_000n}`,
                    timeUnixNano: `${BigInt(TS - p) * 1_000_000n}`,
                    asDouble: 44.25,
                  })),
                },
              },
            ],
          },
        ],
      },
    ],
  });

  // Key names that decide which objects reject an unknown key and which strings are constrained.
  const VES_CONSTRAINED = new Set(['domain', 'priority', 'version', 'vesEventListenerVersion', 'sourceName', 'measurementFieldsVersion', 'name']);
  const jsonTargets = (): JsonTarget[] => [
    {
      name: 'native JSON',
      route: '/v1/telemetry',
      errorKind: 'airan',
      template: { records: [nativeRecord()] },
      strictObject: (path) => path.length === 2 && path[0] === 'records',
      constrainedString: (path) => path[0] === 'records' && ['type', 'siteId', 'cellId', 'ts'].includes(String(path[2])),
      tooMany: () => ({ records: Array.from({ length: MAX_RECORDS + 1 }, nativeRecord) }),
    },
    {
      name: 'VES event',
      route: '/eventListener/v7',
      errorKind: 'ves',
      template: { event: vesEvent() },
      // Every VES object rejects unknown keys, except hashMaps, which reject a value that is not a string.
      strictObject: () => true,
      constrainedString: (path) => VES_CONSTRAINED.has(String(path.at(-1))) || path.at(-2) === 'hashMap',
    },
    {
      name: 'VES eventBatch',
      route: '/eventListener/v7/eventBatch',
      errorKind: 'ves',
      template: { eventList: [vesEvent()] },
      strictObject: () => true,
      constrainedString: (path) => VES_CONSTRAINED.has(String(path.at(-1))) || path.at(-2) === 'hashMap',
      tooMany: () => ({ eventList: Array.from({ length: MAX_RECORDS + 1 }, vesEvent) }),
    },
    {
      name: 'OTLP JSON',
      route: '/v1/metrics',
      errorKind: 'airan',
      template: otlpRequest(1),
      // OTLP/JSON ignores unknown fields by specification: no object is strict.
      strictObject: () => false,
      constrainedString: (path) => ['stringValue', 'timeUnixNano', 'startTimeUnixNano', 'key'].includes(String(path.at(-1))),
      tooMany: () => otlpRequest(MAX_RECORDS + 1),
    },
  ];

  /** Posts every case with bounded concurrency; answers that are not a 4xx with the route's error body are listed. */
  async function fuzz(route: string, errorKind: ErrorKind, cases: Case[]): Promise<{ failures: string[]; statuses: number[] }> {
    const failures: string[] = [];
    const statuses = new Set<number>();
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const i = next++;
        const c = cases[i];
        const response = await fetch(`${ingest.url}${route}${c.query ?? ''}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, ...(c.contentType ? { 'content-type': c.contentType } : {}) },
          body: c.body,
        });
        const answer = new Uint8Array(await response.arrayBuffer());
        statuses.add(response.status);
        const problem = response.status >= 400 && response.status < 500 ? errorBodyProblem(errorKind, answer, response.headers.get('content-type')) : 'not a 4xx';
        if (problem) failures.push(`#${i} (${c.label}, ${c.contentType ?? 'no content type'}${c.query ?? ''}): ${response.status} ${problem}; body ${preview(c.body)} → ${preview(answer)}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return { failures, statuses: [...statuses].sort((a, b) => a - b) };
  }

  /** Log lines of the fuzzing so far that report a failure of the service itself. */
  const failureLogs = (from: number) =>
    ingest.logs
      .slice(from)
      .split('\n')
      .filter((line) => /"level":"(error|fatal)"|unhandled|uncaught/i.test(line));

  const expectStillUp = async (logsFrom: number) => {
    expect((await fetch(`${ingest.url}/health/live`)).status).toBe(200);
    expect(failureLogs(logsFrom)).toEqual([]);
  };

  it.each(jsonTargets().map((target, n) => [target.name, target, n] as const))('answers 1,000 malformed %s bodies each with a 4xx and its error body', async (_, target, n) => {
    const valid = await fetch(`${ingest.url}${target.route}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(target.template) });
    expect([200, 202]).toContain(valid.status);

    const logsFrom = ingest.logs.length;
    const random = createPrng(20261128 + n);
    const cases = Array.from({ length: BODIES_PER_FORMAT }, (_, i) => malformedJson(target, random, i, MAX_BODY_BYTES));
    const { failures, statuses } = await fuzz(target.route, target.errorKind, cases);
    expect({ failures: failures.length, first: failures.slice(0, 5) }).toEqual({ failures: 0, first: [] });
    expect(statuses).toEqual([400, 413, 415, 422]);
    await expectStillUp(logsFrom);
  });

  it('answers 1,000 malformed OTLP protobuf bodies each with a 4xx and a google.rpc.Status', async () => {
    const cell = (value: number) => ({
      descriptor: { name: 'RRU.PrbTotDl', description: '', unit: '%', valueType: ValueType.DOUBLE },
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.GAUGE,
      dataPoints: [{ startTime: [Math.floor(TS / 1000) - 15, 0], endTime: [Math.floor(TS / 1000), 0], attributes: { 'airan.cell.id': CELL }, value }],
    });
    const encode = (value: number) => ProtobufMetricsSerializer.serializeRequest({ resource: resourceFromAttributes({ 'airan.site.id': SITE }), scopeMetrics: [{ scope: { name: 'fuzz' }, metrics: [cell(value)] as never }] }) as Uint8Array;
    const template = encode(44.25);
    const valid = await fetch(`${ingest.url}/v1/metrics`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-protobuf' }, body: template });
    expect(valid.status).toBe(200);

    const logsFrom = ingest.logs.length;
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
    const valid = await fetch(`${ingest.url}/v1/prometheus?site=${SITE}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'text/plain; version=0.0.4' }, body: scrape });
    expect(valid.status).toBe(202);

    const logsFrom = ingest.logs.length;
    const random = createPrng(20261128 + 4);
    const cases = Array.from({ length: BODIES_PER_FORMAT }, (_, i) => malformedPrometheus(random, i, { site: SITE, node: NODE, scrape, maxRecords: MAX_RECORDS, maxBodyBytes: MAX_BODY_BYTES }));
    const { failures, statuses } = await fuzz('/v1/prometheus', 'airan', cases);
    expect({ failures: failures.length, first: failures.slice(0, 5) }).toEqual({ failures: 0, first: [] });
    expect(statuses).toEqual([400, 403, 413, 415, 422]);
    await expectStillUp(logsFrom);
  });
});

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = ReadonlyArray<string | number>;
/** The error body a route answers with: airan's `{ error }`, VES `requestError`, or OTLP's google.rpc.Status in protobuf. */
type ErrorKind = 'airan' | 'ves' | 'otlp-protobuf';

interface Case {
  readonly label: string;
  readonly body: string | Uint8Array;
  /** None: the body goes as bytes without a content-type header. */
  readonly contentType?: string;
  readonly query?: string;
}

interface JsonTarget {
  readonly name: string;
  readonly route: string;
  readonly errorKind: ErrorKind;
  /** A valid request, one record only: breaking any part of it leaves no record valid. */
  readonly template: Json;
  /** Objects where an unknown key holding a non-string is an error rather than ignored. */
  readonly strictObject: (path: Path) => boolean;
  /** String leaves holding an id, enum, timestamp or decimal: any of the junk strings is invalid there. */
  readonly constrainedString: (path: Path) => boolean;
  /** The template with more records than INGEST_MAX_RECORDS, where the format counts them. */
  readonly tooMany?: () => Json;
}

/** Why an answer body is not the route's error body, or undefined when it is. */
function errorBodyProblem(kind: ErrorKind, answer: Uint8Array, contentType: string | null): string | undefined {
  if (kind === 'otlp-protobuf') return rpcStatusProblem(answer, contentType);
  let body: ErrorBodies | null;
  try {
    body = JSON.parse(Buffer.from(answer).toString('utf8')) as ErrorBodies | null;
  } catch {
    return 'body is not JSON';
  }
  if (kind === 'airan') return typeof body?.error?.code === 'string' && typeof body.error.message === 'string' && body.error.message ? undefined : 'no {error: {code, message}}';
  const exception = body?.requestError?.ServiceException;
  const fields = body?.fieldErrors;
  const fieldsOk = Array.isArray(fields) && fields.length > 0 && fields.every((f) => typeof f?.path === 'string' && typeof f.code === 'string' && typeof f.message === 'string');
  const exceptionOk = exception?.messageId === 'SVC0002' && typeof exception.text === 'string' && exception.text !== '' && Array.isArray(exception.variables) && exception.variables.length > 0;
  return exceptionOk && fieldsOk ? undefined : 'no VES requestError with fieldErrors';
}

/** A google.rpc.Status: protobuf media type, a non-OK `code` (field 1) and a `message` (field 2). */
function rpcStatusProblem(answer: Uint8Array, contentType: string | null): string | undefined {
  if (!contentType?.startsWith('application/x-protobuf')) return `content-type ${contentType}, not protobuf`;
  let code: number;
  let message: string;
  try {
    ({ code, message } = decodeRpcStatus(answer));
  } catch (error) {
    return `not a protobuf Status: ${(error as Error).message}`;
  }
  return code !== 0 && message !== '' ? undefined : 'Status without a code and a message';
}

/** Either error body, as received: nothing in it is trusted yet. */
interface ErrorBodies {
  error?: { code?: unknown; message?: unknown };
  requestError?: { ServiceException?: { messageId?: unknown; text?: unknown; variables?: unknown } };
  fieldErrors?: Array<{ path?: unknown; code?: unknown; message?: unknown } | null>;
}

function preview(body: string | Uint8Array): string {
  const text = typeof body === 'string' ? body : `bytes ${Buffer.from(body).toString('hex')}`;
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}… (${text.length} chars)` : text);
}

const JUNK_VALUES: Json[] = [null, true, false, -1, 0.5, 1e308, -0, '', 'x'.repeat(300), 'ü日本\u{1F4A5}', '2026-13-45T99:99:99Z', 'NaN', [], {}, [[[]]], { $ref: '#' }];
const JUNK_STRINGS = ['', ' ', 'a b', '\u0000', 'ü日本\u{1F4A5}', 'x'.repeat(300)];
const UNKNOWN_KEYS = ['colour', 'ünïcødé', '', 'x'.repeat(200)];
const WRONG_MEDIA_TYPES = ['text/plain', 'text/plain; charset=utf-8', 'application/xml', 'application/x-www-form-urlencoded', 'application/octet-stream', 'text/html', 'multipart/form-data; boundary=x', undefined];
/** Replaced after JSON.stringify by text JSON.stringify cannot write (numbers beyond float64, nesting too deep for it). */
const RAW_MARKER = '\u0001raw\u0001';

const jsonType = (value: Json) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

function nodes(value: Json, path: Path = []): Array<{ path: Path; value: Json }> {
  const children = Array.isArray(value) ? value.map((v, i) => nodes(v, [...path, i])) : value !== null && typeof value === 'object' ? Object.entries(value).map(([k, v]) => nodes(v, [...path, k])) : [];
  return [{ path, value }, ...children.flat()];
}

/** A copy of `doc` with the value at `path` replaced (or, with `insertKey`, a key added to the object there). */
function withValue(doc: Json, path: Path, value: Json, insertKey?: string): Json {
  const copy = structuredClone(doc);
  if (path.length === 0 && insertKey === undefined) return value;
  let parent = copy as Record<string | number, Json>;
  for (const step of path.slice(0, insertKey === undefined ? -1 : undefined)) parent = parent[step] as Record<string | number, Json>;
  // defineProperty, so that `__proto__` becomes an own key that JSON.stringify writes.
  Object.defineProperty(parent, insertKey ?? path[path.length - 1], { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

const stringifyRaw = (doc: Json, raw: string) => JSON.stringify(doc).replace(JSON.stringify(RAW_MARKER), raw);

/** A JSON-format body broken one way, chosen by `i`: syntax, types, unknown keys, numbers, strings, nesting, media type, limits. */
function malformedJson(target: JsonTarget, random: () => number, i: number, maxBodyBytes: number): Case {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const json = (label: string, body: string): Case => ({ label, body, contentType: 'application/json' });
  const template = target.template;
  const valid = JSON.stringify(template);
  const all = nodes(template);
  const leaves = all.filter((n) => n.value === null || typeof n.value !== 'object');
  switch (i % 10) {
    case 0: {
      // Truncated JSON, possibly with a stray character; redrawn until it no longer parses.
      for (;;) {
        const body = valid.slice(0, 1 + Math.floor(random() * (valid.length - 2))) + pick(['', '}', ']', ',', '"', '\u0000', '{"']);
        if (!parses(body)) return json('truncated', body);
      }
    }
    case 1:
      return { label: 'random bytes', body: Uint8Array.from({ length: 1 + Math.floor(random() * 200) }, () => Math.floor(random() * 256)), contentType: 'application/json' };
    case 2:
      return json('empty', pick(['', ' ', '\n\t ']));
    case 3: {
      // A value of another JSON type at any level, the root included.
      const { path, value } = pick(all);
      return json(`type at ${path.join('.')}`, JSON.stringify(withValue(template, path, pick(JUNK_VALUES.filter((j) => jsonType(j) !== jsonType(value))))));
    }
    case 4: {
      const objects = all.filter((n) => jsonType(n.value) === 'object');
      const strict = objects.filter((n) => target.strictObject(n.path));
      // An unknown key where the format rejects one; anywhere, a prototype-poisoning key the JSON parser refuses.
      if (strict.length > 0 && random() < 0.6) {
        const { path } = pick(strict);
        return json(`unknown key at ${path.join('.')}`, JSON.stringify(withValue(template, path, pick(JUNK_VALUES.filter((j) => typeof j !== 'string')), pick(UNKNOWN_KEYS))));
      }
      const { path } = pick(objects);
      const [poison, value] = pick<[string, Json]>([
        ['__proto__', { polluted: true }],
        ['constructor', { prototype: { polluted: true } }],
      ]);
      return json(`${poison} at ${path.join('.')}`, JSON.stringify(withValue(template, path, value, poison)));
    }
    case 5: {
      // A number beyond float64 (±Infinity once parsed) for a number, or a huge one for anything else.
      const { path, value } = pick(leaves);
      const raw = typeof value === 'number' ? pick(['1e400', '-1e400']) : pick(['1e400', '-1e400', '123456789012345678901234567890']);
      return json(`huge number at ${path.join('.')}`, stringifyRaw(withValue(template, path, RAW_MARKER), raw));
    }
    case 6: {
      const constrained = leaves.filter((n) => typeof n.value === 'string' && target.constrainedString(n.path));
      const { path } = pick(constrained);
      return json(`junk string at ${path.join('.')}`, JSON.stringify(withValue(template, path, pick(JUNK_STRINGS))));
    }
    case 7: {
      // Arrays nested deeper than JSON.stringify can write back (about 5,000 levels), anywhere.
      const { path } = pick(all);
      const depth = pick([8, 64, 512, 4096, 12_000]);
      return json(`nesting ${depth} at ${path.join('.')}`, stringifyRaw(withValue(template, path, RAW_MARKER), '['.repeat(depth) + ']'.repeat(depth)));
    }
    case 8: {
      const contentType = pick(WRONG_MEDIA_TYPES);
      return { label: 'media type', body: contentType ? valid : new TextEncoder().encode(valid), contentType };
    }
    default:
      if (target.tooMany && random() < 0.5) return json('too many records', JSON.stringify(target.tooMany()));
      return json('too large', JSON.stringify({ ...(template as Record<string, Json>), padding: 'x'.repeat(maxBodyBytes) }));
  }
}

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

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
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
