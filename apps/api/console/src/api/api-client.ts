import { currentKey } from '../session/api-key';
import type { AlertEvent } from './types';

/** One offending field of a refused request, as every airan route reports it. */
export interface FieldError {
  readonly path: string;
  readonly code: string;
  readonly message: string;
}

/** A refused or failed call: the route's error body (`{ error: { code, message, details } }`), or the network's. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly FieldError[] = [],
  ) {
    super(message);
  }
}

export type Query = Readonly<Record<string, string | number | boolean | undefined | null>>;

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export const authHeaders = (): Record<string, string> => {
  const key = currentKey();
  return key ? { authorization: `Bearer ${key}` } : {};
};

async function errorOf(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string; details?: unknown } } | null;
  const details = Array.isArray(body?.error?.details) ? (body.error.details as FieldError[]) : [];
  return new ApiError(response.status, body?.error?.code ?? `HTTP_${response.status}`, body?.error?.message ?? response.statusText, details);
}

async function call(method: string, path: string, init: { body?: string; contentType?: string; accept?: string; signal?: AbortSignal } = {}): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: { ...authHeaders(), accept: init.accept ?? 'application/json', ...(init.contentType ? { 'content-type': init.contentType } : {}) },
      body: init.body,
      signal: init.signal,
    });
  } catch (error) {
    if (init.signal?.aborted) throw error;
    throw new ApiError(0, 'NETWORK', 'the api did not answer');
  }
  if (!response.ok) throw await errorOf(response);
  return response;
}

export async function getJson<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
  return (await call('GET', withQuery(path, query), { signal })).json() as Promise<T>;
}

/** A YAML document (the rules). */
export async function getText(path: string, signal?: AbortSignal): Promise<string> {
  return (await call('GET', path, { signal, accept: 'application/yaml' })).text();
}

/** A write; answers the parsed body, or null for 204. */
export async function send<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, contentType = 'application/json'): Promise<T | null> {
  const response = await call(method, path, body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body), contentType });
  return response.status === 204 ? null : ((await response.json()) as T);
}

/** Every page of a route that pages with `cursor` / `nextCursor`, up to `maxRows`. */
async function cursorPages<T>(path: string, query: Query, rowsOf: (page: Record<string, unknown>) => T[], maxRows: number, signal?: AbortSignal): Promise<T[]> {
  const rows: T[] = [];
  let cursor: string | null | undefined;
  do {
    const page = await getJson<Record<string, unknown> & { nextCursor: string | null }>(path, { ...query, limit: 1000, cursor }, signal);
    rows.push(...rowsOf(page));
    cursor = page.nextCursor;
  } while (cursor && rows.length < maxRows);
  return rows;
}

/** Every page of a history route, up to `maxRows`. */
export function historyRows<T>(dataset: string, query: Query, maxRows: number, signal?: AbortSignal): Promise<T[]> {
  return cursorPages(`/v1/history/${dataset}`, query, (page) => page.items as T[], maxRows, signal);
}

/** Every current alert the filters select (`active: 'true'` for all but resolved), page by page. */
export function currentAlerts(query: Query, signal?: AbortSignal): Promise<AlertEvent[]> {
  return cursorPages('/v1/alerts', query, (page) => page.alerts as AlertEvent[], Number.POSITIVE_INFINITY, signal);
}

/** Every page of a registry type (`next`). */
export async function registryEntities<T>(type: string, query: Query = {}, signal?: AbortSignal): Promise<T[]> {
  const entities: T[] = [];
  let after: string | null | undefined;
  do {
    const page = await getJson<{ items: Array<{ entity: T }>; next: string | null }>(`/v1/registry/${type}`, { ...query, limit: 500, after }, signal);
    entities.push(...page.items.map((item) => item.entity));
    after = page.next;
  } while (after);
  return entities;
}
