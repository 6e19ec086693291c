import { FeatureError } from '@airan/errors';
import { HttpStatus } from '@nestjs/common';

export type AlertsErrorCode = 'INVALID_QUERY' | 'ALERT_NOT_FOUND' | 'UNKNOWN_LAST_EVENT_ID' | 'STREAM_UNAVAILABLE';

export class AlertsError extends FeatureError<AlertsErrorCode> {
  readonly feature = 'alerts';
}

export const ALERTS_HTTP_STATUS = {
  INVALID_QUERY: HttpStatus.BAD_REQUEST,
  ALERT_NOT_FOUND: HttpStatus.NOT_FOUND,
  /** A stream cannot resume after an event this api never recorded: the client starts afresh. */
  UNKNOWN_LAST_EVENT_ID: HttpStatus.BAD_REQUEST,
  /** Not listening for committed events (Postgres connection lost); ready again once it reconnects. */
  STREAM_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
} as const satisfies Record<AlertsErrorCode, HttpStatus>;
