import type { FieldError } from '@airan/contracts';

/** Record-level error codes of every input format. */
export type RecordErrorCode =
  | 'MISSING_FIELD'
  | 'UNKNOWN_FIELD'
  | 'INVALID_TYPE'
  | 'INVALID_VALUE'
  | 'OUT_OF_RANGE'
  | 'UNKNOWN_RECORD_TYPE'
  | 'INVALID_TIMESTAMP'
  | 'TIMESTAMP_OUT_OF_RANGE';

export interface RecordError extends FieldError {
  readonly code: RecordErrorCode;
}

/** A record the parser refused, with everything the DLQ needs. */
export interface RejectedRecord {
  readonly index: number;
  readonly siteId: string | null;
  readonly errors: readonly RecordError[];
  readonly raw: unknown;
}
