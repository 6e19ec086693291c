import { decodeRpcStatus } from './rpc-status';
import type { ServiceProcess } from './service-process';
import { createApiKey, isolate, postWithNewKey } from './stack';
import { startServices } from './start-services';
import { forEachConcurrently } from './concurrently';
import { failureLines } from './failure-lines';
import { fetchFailure } from './fetch-failure';

/** Bodies each route gets, and how many are in flight at once. */
export const BODIES_PER_FORMAT = 1000;
const CONCURRENCY = 8;
/** ingest's INGEST_MAX_RECORDS and INGEST_MAX_BODY_BYTES here: low, so that bodies over them stay small. */
export const MAX_RECORDS = 20;
export const MAX_BODY_BYTES = 32_768;
/** The demo site, cell and GPU node the templates are about, and their sample time (a minute ago, on a whole second). */
export const SITE = 'skt-seoul-gangnam-01';
export const CELL = 'skt-seoul-gangnam-01-c1';
export const NODE = 'skt-seoul-gangnam-01-gpu01';
export const TS = Math.floor(Date.now() / 1000) * 1000 - 60_000;

/** The error body a route answers with: airan's `{ error }`, VES `requestError`, or OTLP's google.rpc.Status in protobuf. */
export type ErrorKind = 'airan' | 'ves' | 'otlp-protobuf';

export interface Case {
  readonly label: string;
  readonly body: string | Uint8Array;
  /** None: the body goes as bytes without a content-type header. */
  readonly contentType?: string;
  readonly query?: string;
}

export type IngestFuzz = ReturnType<typeof ingestFuzz>;

/**
 * The ingest fuzzing's fixture, shared by the test/ingest-fuzz-*.e2e-spec.ts files: ingest and api in their
 * own isolation, with INGEST_MAX_RECORDS and INGEST_MAX_BODY_BYTES set low, and an operator key ingest
 * already takes. Call it in a describe body and hook `start` and `stop` to beforeAll and afterAll;
 * `ingest` and `key` exist once started.
 */
export function ingestFuzz() {
  const isolation = isolate();
  let ingest: ServiceProcess;
  let api: ServiceProcess;
  let key: string;

  /** ingest and api with the low limits, then the key, once ingest takes it. */
  const start = async () => {
    const env = { ...isolation.env, INGEST_MAX_RECORDS: String(MAX_RECORDS), INGEST_MAX_BODY_BYTES: String(MAX_BODY_BYTES) };
    ({ api, ingest } = await startServices({ api: env, ingest: env }));
    key = (await createApiKey(isolation, 'operator', 'skt')).key;
    // The key has reached ingest once it answers something other than 401; an empty batch writes nothing.
    await postWithNewKey(`${ingest.url}/v1/telemetry`, key, { records: [] });
  };

  /** Stops whatever `start` got to start (the test environment removes the isolation's database and topics afterwards). */
  const stop = async () => {
    await Promise.all([ingest?.stop(), api?.stop()]);
  };

  /** Posts every case with bounded concurrency; answers that are not a 4xx with the route's error body are listed. */
  async function fuzz(route: string, errorKind: ErrorKind, cases: Case[]): Promise<{ failures: string[]; statuses: number[] }> {
    const failures: string[] = [];
    const statuses = new Set<number>();
    await forEachConcurrently(cases, CONCURRENCY, async (c, i) => {
      let status: number;
      let problem: string | undefined;
      let answer: Uint8Array | string;
      try {
        const response = await fetch(`${ingest.url}${route}${c.query ?? ''}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, ...(c.contentType ? { 'content-type': c.contentType } : {}) },
          body: c.body,
        });
        [status, answer] = [response.status, new Uint8Array(await response.arrayBuffer())];
        problem = status >= 400 && status < 500 ? errorBodyProblem(errorKind, answer, response.headers.get('content-type')) : 'not a 4xx';
      } catch (error) {
        [status, answer, problem] = [0, fetchFailure(error), 'not a 4xx'];
      }
      statuses.add(status);
      if (problem) failures.push(`#${i} (${c.label}, ${c.contentType ?? 'no content type'}${c.query ?? ''}): ${status} ${problem}; body ${preview(c.body)} → ${preview(answer)}`);
    });
    return { failures, statuses: [...statuses].sort((a, b) => a - b) };
  }

  /** Log lines of the fuzzing so far that report a failure of the service itself. */
  const failureLogs = (from: number) => failureLines(ingest.logs.slice(from));

  const expectStillUp = async (logsFrom: number) => {
    expect((await fetch(`${ingest.url}/health/live`)).status).toBe(200);
    expect(failureLogs(logsFrom)).toEqual([]);
  };

  return {
    start, stop, fuzz, expectStillUp,
    /** The ingest process (once started). */
    get ingest(): ServiceProcess {
      return ingest;
    },
    /** An operator key of skt that ingest takes (once started). */
    get key(): string {
      return key;
    },
  };
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

/* JSON documents as the fuzzers (ingest's and the api's) break them. */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Path = ReadonlyArray<string | number>;

/** Replaced after JSON.stringify by text JSON.stringify cannot write (numbers beyond float64, nesting too deep for it). */
export const RAW_MARKER = '\u0001raw\u0001';

/** Values of every JSON type, each odd somewhere: the wrong-type replacements are drawn from these. */
export const JUNK_VALUES: Json[] = [null, true, false, -1, 0.5, 1e308, -0, '', 'x'.repeat(300), 'ü日本\u{1F4A5}', '2026-13-45T99:99:99Z', 'NaN', [], {}, [[[]]], { $ref: '#' }];
/** Keys no schema of ours declares. */
export const UNKNOWN_KEYS = ['colour', 'ünïcødé', '', 'x'.repeat(200)];

export const jsonType = (value: Json) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/** Every value of a document with its path, the root first. */
export function nodes(value: Json, path: Path = []): Array<{ path: Path; value: Json }> {
  const children = Array.isArray(value) ? value.map((v, i) => nodes(v, [...path, i])) : value !== null && typeof value === 'object' ? Object.entries(value).map(([k, v]) => nodes(v, [...path, k])) : [];
  return [{ path, value }, ...children.flat()];
}

/** A copy of `doc` with the value at `path` replaced (or, with `insertKey`, a key added to the object there). */
export function withValue(doc: Json, path: Path, value: Json, insertKey?: string): Json {
  const copy = structuredClone(doc);
  if (path.length === 0 && insertKey === undefined) return value;
  let parent = copy as Record<string | number, Json>;
  for (const step of path.slice(0, insertKey === undefined ? -1 : undefined)) parent = parent[step] as Record<string | number, Json>;
  // defineProperty, so that `__proto__` becomes an own key that JSON.stringify writes.
  Object.defineProperty(parent, insertKey ?? path[path.length - 1], { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

export const stringifyRaw = (doc: Json, raw: string) => JSON.stringify(doc).replace(JSON.stringify(RAW_MARKER), raw);

export function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
