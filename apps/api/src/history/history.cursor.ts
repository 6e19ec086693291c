import { decodeCursor } from '../paging/keyset.cursor';
import { type ColumnType, type Dataset, columnOf } from './history.datasets';
import { HistoryError } from './history.errors';

/**
 * History's keyset cursors (paging/keyset.cursor): the key of a dataset's last row, its instants in
 * microseconds since the epoch. Keys never change: a window's revision or a rollup's sums are updated in
 * place under the same key, so paging neither skips nor repeats a row.
 */
export function decodeHistoryCursor(text: string, dataset: Dataset, binding: string): readonly string[] {
  return decodeCursor(text, {
    binding,
    keyIsValid: (after) => after.length === dataset.key.length && dataset.key.every((name, i) => KEY_VALUE[columnOf(dataset, name).type](after[i]!)),
    refuse: (reason) => invalid(reason === 'other-query' ? 'the cursor belongs to a query with other filters or another time range' : 'not a cursor issued by this api'),
  });
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
