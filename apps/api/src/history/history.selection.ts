import { bindingOf } from '../paging/keyset.cursor';
import { DATASETS, type Dataset } from './history.datasets';
import type { Selection } from './history.query';
import type { HistoryRoute } from './history.schemas';
import type { DataScope } from './data-scope';

/** The parameters every route's parsed query has (besides its own filters); exports have no limit or cursor. */
export interface ParsedSelection {
  readonly from?: bigint;
  readonly to?: bigint;
  readonly operator?: string;
  readonly revisions?: 'latest' | 'all';
  readonly limit?: number;
  readonly cursor?: string;
}

/**
 * What a route's parsed query selects in the caller's scope (DataScopeResolver): the dataset (`revisions=all`
 * reads every revision) without the columns the scope redacts, its filters, the time range, and the binding
 * its cursors carry.
 */
export function selectionOf(route: HistoryRoute, query: ParsedSelection, scope: DataScope): { selection: Selection; binding: string } {
  const { from, to, operator, revisions, limit: _limit, cursor: _cursor, ...rest } = query;
  const filters = rest as Record<string, string | undefined>;
  const dataset = redacted(route === 'cell-load' && revisions === 'all' ? DATASETS['cell-load-revisions'] : DATASETS[route], scope.redact ?? []);
  return { selection: { dataset, filters, scope, from, to }, binding: bindingOf(dataset.name, { ...filters, operator, from, to }) };
}

/** The dataset without the redacted columns; the key's columns stay, since pages are ordered and continued by them. */
function redacted(dataset: Dataset, fields: readonly string[]): Dataset {
  if (fields.length === 0) return dataset;
  return { ...dataset, columns: dataset.columns.filter((c) => !fields.includes(c.name) || dataset.key.includes(c.name)) };
}
