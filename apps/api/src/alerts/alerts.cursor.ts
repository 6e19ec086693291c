import { alertFingerprintSchema } from '@airan/contracts';
import { bindingOf, decodeCursor, encodeCursor } from '../paging/keyset.cursor';
import { AlertsError } from './alerts.errors';

/** Where a page of current alerts ended: the last alert's event time and fingerprint (the list's order). */
export interface AlertListKey {
  readonly evaluatedAt: string;
  readonly fingerprint: string;
}

/** A digest of the filters, so a cursor only continues the listing that issued it. */
export function alertListBinding(filters: Readonly<Record<string, string | boolean | undefined>>): string {
  return bindingOf('alerts', filters);
}

export function encodeAlertCursor(key: AlertListKey, binding: string): string {
  return encodeCursor({ after: [key.evaluatedAt, key.fingerprint], binding });
}

export function decodeAlertCursor(text: string, binding: string): AlertListKey {
  const [evaluatedAt, fingerprint] = decodeCursor(text, {
    binding,
    keyIsValid: ([e, f, ...rest]) => rest.length === 0 && e !== undefined && !Number.isNaN(Date.parse(e)) && alertFingerprintSchema.safeParse(f).success,
    refuse: (reason) => invalid(reason === 'other-query' ? 'the cursor belongs to a listing with other filters' : 'not a cursor issued by this api'),
  });
  return { evaluatedAt: new Date(evaluatedAt!).toISOString(), fingerprint: fingerprint! };
}

const invalid = (message: string) => new AlertsError('INVALID_QUERY', 'invalid query parameters', [{ path: 'query.cursor', code: 'INVALID_VALUE', message }]);
