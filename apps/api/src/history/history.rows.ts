import type { Column, Dataset } from './history.datasets';
import { isoFromMicros } from './history.time';

/** A row as pg returns buildSelect's columns: int8 (instants too) as decimal text, jsonb parsed, the rest as JS values. */
export type StoredRow = Readonly<Record<string, unknown>>;

/**
 * A row as JSON: instants as ISO 8601 (UTC), 64-bit integers as numbers (counts and GPU-microseconds,
 * exact below 2^53), jsonb as its value, SQL NULL as null.
 */
export function jsonRow(dataset: Dataset, row: StoredRow): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of dataset.columns) out[c.name] = jsonValue(c, row[c.name]);
  return out;
}

function jsonValue(c: Column, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (c.type === 'timestamp') return isoFromMicros(value as string);
  if (c.type === 'bigint') return Number(value);
  return value;
}

/** The key of a row, as a cursor carries it. */
export function keyOf(dataset: Dataset, row: StoredRow): string[] {
  return dataset.key.map((name) => String(row[name]));
}
