import { Controller, Req } from '@nestjs/common';
import type { AuthenticatedRequest } from '@airan/auth';
import { Route } from '../openapi/route.decorator';
import { Input, type RouteInput } from '../params/route-input.pipe';
import { HISTORY_ROUTE_SPECS } from './history.openapi';
import type { HistoryRoute } from './history.schemas';
import type { ParsedSelection } from './history.selection';
import { type HistoryPage, QueryHistoryUseCase } from './query-history.use-case';

/**
 * `GET /v1/history/<dataset>`: stored history, one page at a time in key order (time first), with a
 * cursor for the next (routes, schemas and documentation in history.openapi.ts).
 */
@Controller()
export class HistoryController {
  constructor(private readonly history: QueryHistoryUseCase) {}

  @Route(HISTORY_ROUTE_SPECS.page)
  page(@Req() request: AuthenticatedRequest, @Input() { params, query }: RouteInput<typeof HISTORY_ROUTE_SPECS.page>): Promise<HistoryPage> {
    return this.history.execute(request.principal!, params.dataset as HistoryRoute, query as ParsedSelection);
  }
}
