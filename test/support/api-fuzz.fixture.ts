import { type Operation, readOperations } from './api-fuzz.openapi';
import { ServiceProcess } from './service-process';
import { createApiKey, isolate } from './stack';
import { failureLines } from './failure-lines';
import { forEachConcurrently } from './concurrently';
import { fetchFailure } from './fetch-failure';

/** How many requests are in flight at once (as ingest's fuzzing), and how long one may take before it counts as hung. */
const CONCURRENCY = 8;
const REQUEST_TIMEOUT_MS = 15_000;

/** One request broken one way, by construction, and what the route may answer it with. */
export interface ApiCase {
  readonly label: string;
  /** The documented operation the request is for: its documented error codes are the ones it may answer with. */
  readonly operation: Operation;
  /** Path and query, percent-encoded as sent. */
  readonly url: string;
  /** None: the body (if any) goes without a content-type header. */
  readonly contentType?: string;
  readonly body?: string | Uint8Array;
  readonly expect: Expectation;
}

export interface Expectation {
  /** The error codes this breakage may be answered with. */
  readonly codes: readonly string[];
  /** A `details[].path` the answer must name: the broken field itself, a field inside it, or the field holding it. */
  readonly detail?: string;
}

/**
 * Codes any route may answer besides its documented ones (docs/api.md, "Errors"), by status: the request
 * could not be read at all. Fastify's refusal of malformed JSON comes as Nest reports it, BAD_REQUEST.
 */
const ENVELOPE_CODES: Readonly<Record<number, readonly string[]>> = {
  400: ['MALFORMED_URL', 'JSON_TOO_DEEP', 'INVALID_CONTENT_ENCODING', 'BAD_REQUEST'],
  413: ['PAYLOAD_TOO_LARGE'],
  414: ['URL_TOO_LONG'],
  415: ['UNSUPPORTED_MEDIA_TYPE', 'UNSUPPORTED_CONTENT_ENCODING'],
};
/** Where a field error may point: the api's own parts, or a body alerting validated (relayed as is). */
const DETAIL_ROOT = /^(path\.|query\.|header\.|body$|body[.[]|\$$|\$[.[])/;

/**
 * The api fuzzing's fixture: alerting, then the api forwarding to it, in their own isolation, with
 * the rate limit out of the way and an admin key (admin may call every route, so what is exercised is
 * validation, not authorisation). Call it in a describe body and hook `start` and `stop` to beforeAll
 * and afterAll; `operations` and the rest exist once started.
 */
export function apiFuzz() {
  const isolation = isolate();
  let alerting: ServiceProcess;
  let api: ServiceProcess;
  let key: string;
  let operations: Operation[];

  const start = async () => {
    const env = { ...isolation.env, RATE_LIMIT_MAX: '1000000' };
    alerting = await ServiceProcess.start('alerting', env);
    api = await ServiceProcess.start('api', { ...env, API_ALERTING_URL: alerting.url });
    key = (await createApiKey(isolation, 'admin', 'root')).key;
    operations = await readOperations(api.url);
  };

  const stop = async () => {
    await Promise.all([api?.stop(), alerting?.stop()]);
  };

  /** One request with the admin key. */
  const send = (method: string, url: string, contentType?: string, body?: string | Uint8Array) =>
    fetch(`${api.url}${url}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(contentType ? { 'content-type': contentType } : {}) },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });

  /** Sends every case with bounded concurrency; answers that are not a 4xx with the route's error body, as expected, are listed. */
  async function fuzz(cases: readonly ApiCase[]): Promise<{ failures: string[]; statuses: number[] }> {
    const failures: string[] = [];
    const statuses = new Set<number>();
    await forEachConcurrently(cases, CONCURRENCY, async (c, i) => {
      let status: number;
      let answer: string;
      let nosniff: string | null = null;
      try {
        const response = await send(c.operation.method, c.url, c.contentType, c.body);
        [status, answer, nosniff] = [response.status, await response.text(), response.headers.get('x-content-type-options')];
      } catch (error) {
        [status, answer] = [0, fetchFailure(error)];
      }
      statuses.add(status);
      // docs/api.md: every answer, refusals included, carries the security headers.
      const problem = answerProblem(c, status, answer) ?? (nosniff === 'nosniff' ? undefined : 'no security headers');
      if (problem) failures.push(`#${i} ${c.operation.method} ${c.operation.path} (${c.label}): ${status} ${problem}; sent ${preview(`${c.url} ${c.contentType ?? '(no content type)'} ${bodyText(c.body)}`)} → ${preview(answer)}`);
    });
    return { failures, statuses: [...statuses].sort((a, b) => a - b) };
  }

  /** Where each log ends now: `expectStillUp` reads what came after. */
  const logMarks = () => ({ api: api.logs.length, alerting: alerting.logs.length });

  /** Both processes still run, answer, and logged no error (pino level error or fatal) or unhandled failure since `from`. */
  const expectStillUp = async (from: { api: number; alerting: number }) => {
    for (const service of [api, alerting]) {
      expect([service.app, service.running, (await fetch(`${service.url}/health/live`)).status]).toEqual([service.app, true, 200]);
      expect([service.app, failureLines(service.logs.slice(from[service.app as 'api' | 'alerting']))]).toEqual([service.app, []]);
    }
  };

  return {
    start, stop, send, fuzz, logMarks, expectStillUp,
    /** Every operation of the api's OpenAPI document (once started). */
    get operations(): Operation[] {
      return operations;
    },
  };
}

/** Why an answer is not the 4xx this case expects, in its route's error body, or undefined when it is. */
function answerProblem(c: ApiCase, status: number, answer: string): string | undefined {
  if (status < 400 || status > 499) return 'not a 4xx';
  let body: { error?: { code?: unknown; message?: unknown; details?: unknown } } | null;
  try {
    body = JSON.parse(answer) as typeof body;
  } catch {
    return 'body is not JSON';
  }
  const { code, message, details } = body?.error ?? {};
  if (typeof code !== 'string' || typeof message !== 'string' || message === '') return 'no {error: {code, message}}';
  if (![...(c.operation.errorCodes[status] ?? []), ...(ENVELOPE_CODES[status] ?? [])].includes(code)) return `${status} ${code} is not documented for the route`;
  if (!c.expect.codes.includes(code)) return `${code}, expected ${c.expect.codes.join(' or ')}`;
  if (details === undefined) return c.expect.detail ? `no details, expected one at ${c.expect.detail}` : undefined;
  if (!Array.isArray(details)) return 'details is not a list';
  const fieldErrors = details.filter((d): d is { path: unknown; code: unknown; message: unknown } => typeof d === 'object' && d !== null);
  const malformed = fieldErrors.find((d) => typeof d.path !== 'string' || !DETAIL_ROOT.test(d.path) || typeof d.code !== 'string' || typeof d.message !== 'string');
  if (malformed) return `detail ${JSON.stringify(malformed)} is not {path, code, message} at path., query., body or $`;
  const paths = fieldErrors.map((d) => d.path as string);
  return c.expect.detail === undefined || paths.some((p) => related(p, c.expect.detail!)) ? undefined : `details name ${paths.join(', ')}, not ${c.expect.detail}`;
}

/** A whole body: it names no field, so it stands only for itself. */
const BODY_ROOTS = new Set(['body', '$']);

/** One path is the other, or holds it (`$.all[0]` and `$.all[0].op`). */
function related(a: string, b: string): boolean {
  const [outer, inner] = a.length <= b.length ? [a, b] : [b, a];
  return inner === outer || (!BODY_ROOTS.has(outer) && (inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`)));
}

function bodyText(body: string | Uint8Array | undefined): string {
  return body === undefined ? '(no body)' : typeof body === 'string' ? body : `bytes ${Buffer.from(body).toString('hex')}`;
}

function preview(text: string): string {
  return JSON.stringify(text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text);
}
