import { Injectable } from '@nestjs/common';
import type { Principal } from '@airan/auth';
import type { ShareProduct } from '@airan/contracts';
import { PartnerShares } from '../grants/partner-shares';
import { type DataScope, scopeOf } from './data-scope';
import { HistoryError } from './history.errors';
import type { HistoryRoute } from './history.schemas';

/** The product a partner must be granted to read a history route; dead letters are the operators' own, never granted. */
const PRODUCT_OF: Readonly<Record<HistoryRoute, ShareProduct | undefined>> = {
  'cell-load': 'cell-load',
  rollups: 'rollups',
  'cell-samples': 'telemetry',
  'gpu-samples': 'telemetry',
  'dead-letters': undefined,
};

/** Whose rows of a history route a key reads: its role's data scope, or a partner's grants. */
@Injectable()
export class DataScopeResolver {
  constructor(private readonly shares: PartnerShares) {}

  async resolve(principal: Principal, route: HistoryRoute, operator: string | undefined): Promise<DataScope> {
    if (principal.role !== 'partner') return scopeOf(principal, operator);
    const product = PRODUCT_OF[route];
    if (product === undefined) throw new HistoryError('NO_GRANTS', `${route} are the operators' own: no grant gives them to a partner`);
    return this.shares.scopeOf(principal.subject, product, operator);
  }
}
