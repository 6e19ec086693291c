import { FeatureError } from '@airan/errors';
import { HttpStatus } from '@nestjs/common';
import { FormatError } from '@airan/telemetry-formats';

/** Whole-request failures of ingest; record-level problems are reported per record instead. */
export type IngestErrorCode =
  | 'INVALID_BATCH'
  | 'INVALID_FORMAT'
  | 'UNKNOWN_SITE'
  | 'TOO_MANY_RECORDS'
  /** Content that cannot fit in one Kafka message of its topic even alone (a VES fault with megabytes of text). */
  | 'MESSAGE_TOO_LARGE'
  | 'SITE_NOT_OWNED'
  | 'ALL_RECORDS_REJECTED'
  | 'KAFKA_UNAVAILABLE'
  | 'OVERLOADED'
  /** The operator holds its fair share of the records awaiting Kafka while other operators send (a 503, as OVERLOADED: capacity, not a quota). */
  | 'FAIR_SHARE_EXCEEDED';

export class IngestError extends FeatureError<IngestErrorCode> {
  readonly feature = 'ingest';
}

export const INGEST_HTTP_STATUS = {
  INVALID_BATCH: HttpStatus.UNPROCESSABLE_ENTITY,
  INVALID_FORMAT: HttpStatus.BAD_REQUEST,
  UNKNOWN_SITE: HttpStatus.UNPROCESSABLE_ENTITY,
  TOO_MANY_RECORDS: HttpStatus.PAYLOAD_TOO_LARGE,
  MESSAGE_TOO_LARGE: HttpStatus.PAYLOAD_TOO_LARGE,
  SITE_NOT_OWNED: HttpStatus.FORBIDDEN,
  ALL_RECORDS_REJECTED: HttpStatus.UNPROCESSABLE_ENTITY,
  KAFKA_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  OVERLOADED: HttpStatus.SERVICE_UNAVAILABLE,
  FAIR_SHARE_EXCEEDED: HttpStatus.SERVICE_UNAVAILABLE,
} as const satisfies Record<IngestErrorCode, HttpStatus>;

/** A request-level format problem (malformed body, mixed domains, ...) as ingest's own error. */
export function rethrowFormatError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof FormatError) throw new IngestError('INVALID_FORMAT', error.message, error.errors);
    throw error;
  }
}
