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
  | 'TIMESTAMP_OUT_OF_RANGE'
  // Codes of the VES, OTLP and Prometheus parsers (see docs/telemetry-mapping.md).
  /** A DCGM blank / not-found / not-supported / not-permissioned value, or an int64 sentinel (≥ 9.2e18). */
  | 'SENTINEL_VALUE'
  /** A per-interval counter (requests, tokens, GPU-ms) sent as a cumulative OTLP sum or Prometheus counter. */
  | 'CUMULATIVE_NOT_SUPPORTED'
  /** A Prometheus text line that does not parse. */
  | 'SYNTAX_ERROR'
  /** A second, different value for the same field of the same sample (or a different interval for it). */
  | 'CONFLICTING_VALUE'
  /** An OTLP metric `unit` the dictionary cannot convert from. */
  | 'UNIT_MISMATCH'
  /** A known metric reported for the wrong kind of entity (a cell counter in a VES `gpu:` entry, or the reverse). */
  | 'WRONG_ENTITY';

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
