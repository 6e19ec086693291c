import type { Principal } from '@airan/auth';
import { HistoryError } from './history.errors';

/** The rows a caller may see: those of these operators, or all; for a partner, those its grants place (operators, pilots, sites), without the columns they redact. */
export interface DataScope {
  readonly operators: 'all' | readonly string[];
  readonly pilots?: readonly string[];
  readonly sites?: readonly string[];
  readonly redact?: readonly string[];
}

/**
 * The one place that decides whose data a key reads, for every history route and export, merged with the
 * `operator` filter the caller asked for. Ops and admin keys read everything (narrowed by `operator` when
 * given); an operator key reads its own operator's rows only, and naming another operator is refused
 * rather than answered empty, so a mistyped id is not mistaken for "no data"; its other filters (site,
 * cell, ...) are intersected with its operator, so another operator's site simply yields nothing, without
 * telling whether it exists. A partner's scope comes from its grants (PartnerShares.scopeOf, asynchronous:
 * they are read when it asks), never from here.
 */
export function scopeOf(principal: Principal, requestedOperator: string | undefined): DataScope {
  switch (principal.role) {
    case 'admin':
    case 'ops':
      return { operators: requestedOperator === undefined ? 'all' : [requestedOperator] };
    case 'operator':
      if (requestedOperator !== undefined && requestedOperator !== principal.subject) {
        throw new HistoryError('OPERATOR_NOT_PERMITTED', `an operator key reads only its own operator's data (${principal.subject})`, [
          { path: 'query.operator', code: 'NOT_PERMITTED', message: `not ${principal.subject}` },
        ]);
      }
      return { operators: [principal.subject] };
    case 'partner':
      throw new HistoryError('NO_GRANTS', "a partner's data scope comes from its grants");
  }
}
