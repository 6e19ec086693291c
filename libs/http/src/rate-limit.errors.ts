import { HttpStatus } from '@nestjs/common';
import { FeatureError } from '@airan/errors';

/** A caller (API key, or client address without a valid key) that sent more requests than its budget per window. */
export type RateLimitErrorCode = 'RATE_LIMITED';

export class RateLimitError extends FeatureError<RateLimitErrorCode> {
  readonly feature = 'rateLimit';
}

export const RATE_LIMIT_HTTP_STATUS = {
  RATE_LIMITED: HttpStatus.TOO_MANY_REQUESTS,
} as const satisfies Record<RateLimitErrorCode, HttpStatus>;
