import { alertFingerprintSchema } from '@airan/contracts';
import { bindingOf } from '../history/history.cursor';
import { AlertsError } from './alerts.errors';

/** Where a page of current alerts ended: the last alert's event time and fingerprint (the list's order). */
export interface AlertListKey {
  readonly evaluatedAt: string;
  readonly fingerprint: string;
}

/** A digest of the filters, so a cursor only continues the listing that issued it. */
export function alertListBinding(filters: Readonly<Record<string, string | boolean | undefined>>): string {
  return bindingOf('alerts', Object.fromEntries(Object.entries(filters).map(([name, value]) => [name, value === undefined ? undefined : String(value)])));
}

/** Opaque to clients: base64url of a small JSON document. */
export function encodeAlertCursor(key: AlertListKey, binding: string): string {
  return Buffer.from(JSON.stringify({ v: 1, e: key.evaluatedAt, f: key.fingerprint, b: binding })).toString('base64url');
}

export function decodeAlertCursor(text: string, binding: string): AlertListKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid('not a cursor issued by this api');
  }
  const { v, e, f, b } = (parsed ?? {}) as Record<string, unknown>;
  if (v !== 1 || typeof e !== 'string' || Number.isNaN(Date.parse(e)) || !alertFingerprintSchema.safeParse(f).success || typeof b !== 'string') {
    throw invalid('not a cursor issued by this api');
  }
  if (b !== binding) throw invalid('the cursor belongs to a listing with other filters');
  return { evaluatedAt: new Date(e).toISOString(), fingerprint: f as string };
}

const invalid = (message: string) => new AlertsError('INVALID_QUERY', 'invalid query parameters', [{ path: 'query.cursor', code: 'INVALID_VALUE', message }]);
