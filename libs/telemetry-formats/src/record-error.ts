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
  | 'WRONG_ENTITY'
  /**
   * Content of an accepted VES event that airan does not map (a counter not in the dictionary, a
   * measurement block it does not read): not a rejection, reported so nothing is dropped without a word.
   */
  | 'UNMAPPED'
  // Site admission codes: returned by the caller's `SiteAdmission`, never produced by a parser itself.
  /** The site is not in the registry. */
  | 'UNKNOWN_SITE'
  /** The site exists but the caller (API key) may not write it. */
  | 'SITE_NOT_OWNED'
  /** Ingest only, after parsing: a cell named by a 3GPP distinguished name that no registry cell of the site carries. */
  | 'UNKNOWN_CELL';

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

/**
 * Per-record site admission, supplied by the caller (ingest: "may this API key write this site?").
 * Returns the error that rejects the record — normally `UNKNOWN_SITE` or `SITE_NOT_OWNED` with the
 * given `path` — or `undefined` to admit it. The error is used as returned.
 *
 * Parsers call it only for a record that is otherwise valid (so a bad record is reported with its own
 * errors, not with the site's), before the record's values are merged into the result; `siteId` then
 * satisfies the id rule and `path` is the JSON path of the value that named the site. It must be
 * synchronous; an exception propagates out of the parser.
 */
export type SiteAdmission = (siteId: string, path: string) => RecordError | undefined;
