import { FeatureError } from '@airan/errors';
import { HttpStatus } from '@nestjs/common';

export type AlertsErrorCode = 'INVALID_QUERY' | 'ALERT_NOT_FOUND';

export class AlertsError extends FeatureError<AlertsErrorCode> {
  readonly feature = 'alerts';
}

export const ALERTS_HTTP_STATUS = {
  INVALID_QUERY: HttpStatus.BAD_REQUEST,
  ALERT_NOT_FOUND: HttpStatus.NOT_FOUND,
} as const satisfies Record<AlertsErrorCode, HttpStatus>;
