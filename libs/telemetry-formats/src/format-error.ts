import type { RecordError } from './record-error';

/**
 * Whole-request failure codes of the VES, OTLP and Prometheus parsers. A request that fails as a whole
 * has no usable records: nothing of it is accepted (record-level problems are in `rejected` instead).
 *
 * - `MALFORMED_BODY`     the body is not the format's envelope (not an object, no `event`/`eventList`,
 *                        `resourceMetrics` not an array, text not a string, …);
 * - `MIXED_DOMAINS`      a VES `eventList` whose events do not share one `domain`;
 * - `UNSUPPORTED_DOMAIN` a valid VES domain airan does not ingest (only measurement, heartbeat, fault);
 * - `INVALID_CONTEXT`    the caller-supplied Prometheus context (siteId, scrapeTs, intervalMs) is invalid.
 */
export type FormatErrorCode = 'MALFORMED_BODY' | 'MIXED_DOMAINS' | 'UNSUPPORTED_DOMAIN' | 'INVALID_CONTEXT';

export class FormatError extends Error {
  constructor(
    readonly code: FormatErrorCode,
    message: string,
    /** Field errors with JSON paths (`$.eventList[2].commonEventHeader.domain`); at least one. */
    readonly errors: readonly RecordError[],
  ) {
    super(message);
    this.name = 'FormatError';
  }
}
