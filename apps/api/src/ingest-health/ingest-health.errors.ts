import { FeatureError } from '@airan/errors';
import { HttpStatus } from '@nestjs/common';

export type IngestHealthErrorCode = 'INGEST_HEALTH_UNAVAILABLE';

/** Errors of the ingest health view itself; its scoping fails with history's codes (data-scope.ts, history.errors.ts). */
export class IngestHealthError extends FeatureError<IngestHealthErrorCode> {
  readonly feature = 'ingest-health';
}

export const INGEST_HEALTH_HTTP_STATUS = {
  /** Load has not created its sample tables in this database yet (it never started against it); retry after Retry-After. */
  INGEST_HEALTH_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
} as const satisfies Record<IngestHealthErrorCode, HttpStatus>;
