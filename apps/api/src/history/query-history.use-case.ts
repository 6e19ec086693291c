import { Injectable } from '@nestjs/common';
import type { Principal } from '@airan/auth';
import { encodeCursor } from '../paging/keyset.cursor';
import { decodeHistoryCursor } from './history.cursor';
import { buildSelect } from './history.query';
import { HistoryRepository } from './history.repository';
import { jsonRow, keyOf } from './history.rows';
import { HISTORY_LIMIT, type HistoryRoute } from './history.schemas';
import { DataScopeResolver } from './data-scope.resolver';
import { type ParsedSelection, selectionOf } from './history.selection';

export interface HistoryPage {
  readonly items: Array<Record<string, unknown>>;
  /** Pass as `cursor` (with the same other parameters) for the next page; null when this page is the last. */
  readonly nextCursor: string | null;
}

/** One page of a history route, in key order, cut to the caller's scope. */
@Injectable()
export class QueryHistoryUseCase {
  constructor(
    private readonly history: HistoryRepository,
    private readonly scopes: DataScopeResolver,
  ) {}

  async execute(principal: Principal, route: HistoryRoute, query: ParsedSelection): Promise<HistoryPage> {
    const { selection, binding } = selectionOf(route, query, await this.scopes.resolve(principal, route, query.operator));
    const after = query.cursor === undefined ? undefined : decodeHistoryCursor(query.cursor, selection.dataset, binding);
    const limit = query.limit ?? HISTORY_LIMIT.default;
    const rows = await this.history.select(buildSelect(selection, { after, limit }));
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((row) => jsonRow(selection.dataset, row)),
      nextCursor: rows.length > limit ? encodeCursor({ after: keyOf(selection.dataset, last), binding }) : null,
    };
  }
}
