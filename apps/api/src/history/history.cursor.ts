import { createHash } from 'node:crypto';
import { type ColumnType, type Dataset, columnOf } from './history.datasets';
import { HistoryError } from './history.errors';

/**
 * Keyset cursors: the key of the last row of a page (`Dataset.key`), and a digest of the query it belongs
 * to. The next page starts strictly after that key, so a row present when paging began is never skipped or
 * repeated, whatever is written meanwhile (keys never change: a window's revision or a rollup's sums are
 * updated in place under the same key). Opaque to clients: base64url of a small JSON document.
 */
export interface Cursor {
  /** Key values of the last row, as text (instants in microseconds since the epoch). */
  readonly after: readonly string[];
  /** bindingOf() of the query the cursor was issued for. */
  readonly binding: string;
}

const VERSION = 1;

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify({ v: VERSION, a: cursor.after, b: cursor.binding })).toString('base64url');
}

/**
 * A digest of everything that selects rows besides the page (dataset, filters, operator, time range): a
 * cursor only continues the query that issued it, and a different one is refused instead of silently
 * starting somewhere arbitrary.
 */
export function bindingOf(dataset: string, selection: Readonly<Record<string, string | bigint | undefined>>): string {
  const canonical = Object.keys(selection)
    .sort()
    .filter((k) => selection[k] !== undefined)
    .map((k) => [k, String(selection[k])]);
  return createHash('sha256').update(JSON.stringify([dataset, canonical])).digest('base64url').slice(0, 16);
}

/** The cursor's key after checking it is well formed, continues this query, and fits the dataset's key. */
export function decodeCursor(text: string, dataset: Dataset, binding: string): readonly string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid('not a cursor issued by this api');
  }
  const { v, a, b } = (parsed ?? {}) as { v?: unknown; a?: unknown; b?: unknown };
  if (v !== VERSION || typeof b !== 'string' || !Array.isArray(a) || a.length !== dataset.key.length || !a.every((x) => typeof x === 'string')) {
    throw invalid('not a cursor issued by this api');
  }
  if (b !== binding) throw invalid('the cursor belongs to a query with other filters or another time range');
  dataset.key.forEach((name, i) => {
    if (!KEY_VALUE[columnOf(dataset, name).type](a[i] as string)) throw invalid('not a cursor issued by this api');
  });
  return a as string[];
}

/** Instants of keys lie between 1970 and the year 10000 (µs), ints are int4: a forged value is refused here, not by Postgres. */
const MAX_MICROS = 253_402_300_800_000_000n;
const KEY_VALUE: Record<ColumnType, (value: string) => boolean> = {
  timestamp: (v) => /^\d{1,18}$/.test(v) && BigInt(v) < MAX_MICROS,
  int: (v) => /^-?\d{1,10}$/.test(v) && Math.abs(Number(v)) <= 2 ** 31 - 1,
  uuid: (v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
  text: (v) => v.length <= 512,
  bigint: () => false,
  double: () => false,
  boolean: () => false,
  json: () => false,
};

function invalid(message: string): HistoryError {
  return new HistoryError('INVALID_QUERY', 'invalid query parameters', [{ path: 'query.cursor', code: 'INVALID_VALUE', message }]);
}
