import { HttpStatus } from '@nestjs/common';

export type AlertsErrorCode = 'INVALID_QUERY';

export class AlertsError extends Error {
  readonly feature = 'alerts';
  constructor(
    readonly code: AlertsErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AlertsError';
  }
}

export const ALERTS_HTTP_STATUS = { INVALID_QUERY: HttpStatus.BAD_REQUEST } as const satisfies Record<AlertsErrorCode, HttpStatus>;
