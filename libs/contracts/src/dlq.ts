import type { EventEnvelope } from './event';

export const TELEMETRY_DLQ_SCHEMA = 'airan.telemetry.dlq/1';

/**
 * The reason of a dead letter that is not a rejection: content of an accepted VES event that airan does
 * not map (unknown counters, measurement blocks it does not read), which VES has no response body to
 * report. Every other reason is the code of the record's first error (docs/telemetry-mapping.md).
 */
export const DEAD_LETTER_UNMAPPED = 'UNMAPPED';

export interface FieldError {
  /** JSON path of the offending field, e.g. `$.records[3].prbDlPct`. */
  readonly path: string;
  readonly code: string;
  readonly message: string;
}

/** A rejected input record on `airan.telemetry.dlq.v1`: nothing is silently lost. */
export interface TelemetryDeadLetter extends EventEnvelope<typeof TELEMETRY_DLQ_SCHEMA> {
  /** The code of the first error, or `UNMAPPED` (DEAD_LETTER_UNMAPPED). */
  readonly reason: string;
  readonly errors: readonly FieldError[];
  readonly format: 'native' | 'ves' | 'otlp' | 'prometheus';
  readonly keyId: string;
  readonly operatorId: string;
  /** The site the record names, when it names a valid site id; else null (and the message key is `unknown`). */
  readonly siteId: string | null;
  readonly receivedAt: number;
  /**
   * The record exactly as received (an OTLP protobuf point in its OTLP/JSON form); when the record alone
   * would pass the topic's message limit, the beginning of its text (see `rawTruncated`).
   */
  readonly raw: unknown;
  /** Present when `raw` was cut to fit one Kafka message: the size in bytes of the record's full text. */
  readonly rawTruncated?: { readonly bytes: number };
}
