import { type Bind, type Column, type ColumnType, type Dataset, type FilterValues, columnOf } from './history.datasets';
import type { DataScope } from './data-scope';
import { isoFromMicros } from './history.time';

/** What selects a dataset's rows: its filters, the caller's scope and a half-open time range [from, to) on the key's time column. */
export interface Selection {
  readonly dataset: Dataset;
  /** Values of the dataset's own filters (operator excluded: the scope carries it). */
  readonly filters: FilterValues;
  readonly scope: DataScope;
  /** Microseconds since the epoch. */
  readonly from?: bigint;
  readonly to?: bigint;
}

/** One page: rows strictly after `after` (a key), at most `limit`. */
export interface PageRequest {
  readonly after?: readonly string[];
  readonly limit: number;
}

export interface BuiltQuery {
  readonly sql: string;
  readonly params: unknown[];
}

/** SQL casts of key values, which travel as text (instants as µs, see isoFromMicros). */
const KEY_CAST: Partial<Record<ColumnType, string>> = { timestamp: 'timestamptz', int: 'int4', uuid: 'uuid', text: 'text' };

/**
 * The SELECT of a selection, in key order; with a page, only the rows after its key and one more than its
 * limit (so the caller knows whether another page follows). Only predicates for the filters given are
 * written, so each query shape can use its own index; every value is a parameter.
 */
export function buildSelect(selection: Selection, page?: PageRequest): BuiltQuery {
  const { dataset, filters, scope } = selection;
  const params: unknown[] = [];
  const bind: Bind = (value, cast) => {
    params.push(value);
    return `$${params.length}::${cast}`;
  };
  const where: string[] = [];
  for (const [name, predicate] of Object.entries(dataset.filters)) {
    const value = filters[name];
    if (value !== undefined) where.push(predicate(bind, value, filters));
  }
  if (scope.operators !== 'all') where.push(dataset.scoped(bind, { operators: scope.operators, pilots: scope.pilots ?? [], sites: scope.sites ?? [] }, filters));
  const keyColumns = dataset.key.map((name) => columnOf(dataset, name));
  const time = `t.${keyColumns[0].column}`;
  if (selection.from !== undefined) where.push(`${time} >= ${bind(isoFromMicros(selection.from), 'timestamptz')}`);
  if (selection.to !== undefined) where.push(`${time} < ${bind(isoFromMicros(selection.to), 'timestamptz')}`);
  if (page?.after) {
    const values = keyColumns.map((c, i) => bind(c.type === 'timestamp' ? isoFromMicros(page.after![i]) : page.after![i], KEY_CAST[c.type]!));
    where.push(`(${keyColumns.map((c) => `t.${c.column}`).join(', ')}) > (${values.join(', ')})`);
  }
  const sql = [
    `SELECT ${dataset.columns.map(selectExpression).join(', ')}`,
    `FROM ${dataset.table} t`,
    ...(where.length > 0 ? [`WHERE ${where.join(' AND ')}`] : []),
    `ORDER BY ${keyColumns.map((c) => `t.${c.column}`).join(', ')}`,
    ...(page ? [`LIMIT ${bind(page.limit + 1, 'int')}`] : []),
  ].join('\n');
  return { sql, params };
}

/** Instants leave Postgres as exact microseconds since the epoch (int8), not as a Date, which holds milliseconds. */
function selectExpression(c: Column): string {
  const value = c.type === 'timestamp' ? `(extract(epoch FROM t.${c.column}) * 1000000)::int8` : `t.${c.column}`;
  return `${value} AS "${c.name}"`;
}
