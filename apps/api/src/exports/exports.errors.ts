import { FeatureError } from '@airan/errors';
import { HttpStatus } from '@nestjs/common';

export type ExportsErrorCode = 'UNKNOWN_EXPORT' | 'EXPORTS_BUSY';

/** Errors of exports themselves; their filters and scoping fail with history's codes (history.errors.ts). */
export class ExportsError extends FeatureError<ExportsErrorCode> {
  readonly feature = 'exports';
}

export const EXPORTS_HTTP_STATUS = {
  /** No such file: `<route>.<format>` with a history route and csv or parquet. */
  UNKNOWN_EXPORT: HttpStatus.NOT_FOUND,
  /** API_EXPORT_MAX_CONCURRENT exports are streaming already; retry after Retry-After. */
  EXPORTS_BUSY: HttpStatus.SERVICE_UNAVAILABLE,
} as const satisfies Record<ExportsErrorCode, HttpStatus>;
