import { FeatureError } from '@airan/errors';
import { HttpStatus } from '@nestjs/common';

export type HistoryErrorCode = 'INVALID_QUERY' | 'UNKNOWN_DATASET' | 'OPERATOR_NOT_PERMITTED' | 'NO_GRANTS' | 'HISTORY_UNAVAILABLE';

/** Errors of history queries and exports alike (both take the same filters and the same scoping). */
export class HistoryError extends FeatureError<HistoryErrorCode> {
  readonly feature = 'history';
}

export const HISTORY_HTTP_STATUS = {
  /** A bad query parameter; the details name each one (`query.from`) and why. */
  INVALID_QUERY: HttpStatus.BAD_REQUEST,
  /** `/v1/history/<dataset>` of a dataset there is not; the details name those there are. */
  UNKNOWN_DATASET: HttpStatus.NOT_FOUND,
  /** An operator key asked for another operator's data. */
  OPERATOR_NOT_PERMITTED: HttpStatus.FORBIDDEN,
  /** A partner key without a grant in force for the product (or asking for dead letters, which no grant gives). */
  NO_GRANTS: HttpStatus.FORBIDDEN,
  /** Load has not created its tables in this database yet (it never started against it). */
  HISTORY_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
} as const satisfies Record<HistoryErrorCode, HttpStatus>;
