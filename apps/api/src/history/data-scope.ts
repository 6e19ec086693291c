import type { Principal } from '@airan/auth';
import { HistoryError } from './history.errors';

/** The rows a caller may see: those of these operators, or all. */
export interface DataScope {
  readonly operators: 'all' | readonly string[];
}

/**
 * The one place that decides whose data a key reads, for every history route and export, merged with the
 * `operator` filter the caller asked for. Ops and admin keys read everything (narrowed by `operator` when
 * given); an operator key reads its own operator's rows only, and naming another operator is refused
 * rather than answered empty, so a mistyped id is not mistaken for "no data"; its other filters (site,
 * cell, ...) are intersected with its operator, so another operator's site simply yields nothing, without
 * telling whether it exists. Partner keys read nothing until grants exist: partner grants plug in here,
 * turning a grant into the operators (and later pilots and sites) it covers.
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
      throw new HistoryError('NO_GRANTS', 'partner keys read data through grants, and this partner has none yet');
  }
}
