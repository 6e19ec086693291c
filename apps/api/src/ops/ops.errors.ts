import { FeatureError } from '@airan/errors';
import { HttpStatus } from '@nestjs/common';

/** Failures of forwarding an ops request to alerting; alerting's own answers are relayed, never mapped. */
export type OpsErrorCode = 'ALERTING_NOT_CONFIGURED' | 'ALERTING_UNAVAILABLE' | 'ALERTING_TIMEOUT';

export class OpsError extends FeatureError<OpsErrorCode> {
  readonly feature = 'ops';
}

export const OPS_HTTP_STATUS = {
  ALERTING_NOT_CONFIGURED: HttpStatus.SERVICE_UNAVAILABLE,
  ALERTING_UNAVAILABLE: HttpStatus.BAD_GATEWAY,
  ALERTING_TIMEOUT: HttpStatus.GATEWAY_TIMEOUT,
} as const satisfies Record<OpsErrorCode, HttpStatus>;
