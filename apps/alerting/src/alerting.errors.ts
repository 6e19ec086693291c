import { FeatureError } from '@airan/errors';
import { HttpStatus } from '@nestjs/common';

export type AlertingErrorCode =
  | 'INVALID_RULE'
  | 'INVALID_RULES_YAML'
  | 'RULE_NOT_FOUND'
  | 'INVALID_SILENCE'
  | 'SILENCE_NOT_FOUND'
  | 'INVALID_ACTION'
  | 'ALERT_NOT_FOUND'
  | 'ALERT_NOT_ACTIVE'
  | 'INVALID_NOTIFICATIONS_REQUEST';

export class AlertingError extends FeatureError<AlertingErrorCode> {
  readonly feature = 'alerting';
}

export const ALERTING_HTTP_STATUS = {
  INVALID_RULE: HttpStatus.UNPROCESSABLE_ENTITY,
  INVALID_RULES_YAML: HttpStatus.UNPROCESSABLE_ENTITY,
  RULE_NOT_FOUND: HttpStatus.NOT_FOUND,
  INVALID_SILENCE: HttpStatus.UNPROCESSABLE_ENTITY,
  SILENCE_NOT_FOUND: HttpStatus.NOT_FOUND,
  INVALID_ACTION: HttpStatus.UNPROCESSABLE_ENTITY,
  ALERT_NOT_FOUND: HttpStatus.NOT_FOUND,
  ALERT_NOT_ACTIVE: HttpStatus.CONFLICT,
  INVALID_NOTIFICATIONS_REQUEST: HttpStatus.UNPROCESSABLE_ENTITY,
} as const satisfies Record<AlertingErrorCode, HttpStatus>;
