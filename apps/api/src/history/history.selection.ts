import type { Principal } from '@airan/auth';
import { bindingOf } from './history.cursor';
import { DATASETS } from './history.datasets';
import type { Selection } from './history.query';
import type { HistoryRoute } from './history.schemas';
import { scopeOf } from './data-scope';

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
 * What a route's parsed query selects for this caller: the dataset (`revisions=all` reads every revision),
 * its filters, the caller's scope (which may refuse), the time range, and the binding its cursors carry.
 */
export function selectionOf(route: HistoryRoute, query: ParsedSelection, principal: Principal): { selection: Selection; binding: string } {
  const { from, to, operator, revisions, limit: _limit, cursor: _cursor, ...rest } = query;
  const filters = rest as Record<string, string | undefined>;
  const dataset = route === 'cell-load' && revisions === 'all' ? DATASETS['cell-load-revisions'] : DATASETS[route];
  const scope = scopeOf(principal, operator);
  return { selection: { dataset, filters, scope, from, to }, binding: bindingOf(dataset.name, { ...filters, operator, from, to }) };
}
