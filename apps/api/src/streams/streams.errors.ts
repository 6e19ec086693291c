import { FeatureError } from '@airan/errors';
import { HttpStatus } from '@nestjs/common';

/** Scoping refusals (403) are the api's one data scope's: OPERATOR_NOT_PERMITTED and NO_GRANTS (apps/api/src/history/data-scope.ts). */
export type StreamsErrorCode = 'INVALID_QUERY' | 'FOREIGN_POSITION' | 'POSITION_EXPIRED' | 'TOO_MANY_STREAMS' | 'STREAM_UNAVAILABLE';

export class StreamsError extends FeatureError<StreamsErrorCode> {
  readonly feature = 'streams';
}

export const STREAMS_HTTP_STATUS = {
  /** A filter the product does not have, a malformed value or a malformed position (details name each). */
  INVALID_QUERY: HttpStatus.BAD_REQUEST,
  /** A well-formed position that is not one of this topic's: other partitions, or offsets it never reached. */
  FOREIGN_POSITION: HttpStatus.BAD_REQUEST,
  /** Retention removed events after the position: reconnect without one (from now). */
  POSITION_EXPIRED: HttpStatus.GONE,
  /** The key already holds API_STREAM_MAX_PER_KEY open streams on this instance. */
  TOO_MANY_STREAMS: HttpStatus.TOO_MANY_REQUESTS,
  /** Kafka did not answer when the stream was opened. */
  STREAM_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
} as const satisfies Record<StreamsErrorCode, HttpStatus>;
