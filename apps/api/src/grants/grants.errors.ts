import { FeatureError } from '@airan/errors';
import { HttpStatus } from '@nestjs/common';

export type GrantsErrorCode = 'PARTNER_NOT_PERMITTED';

export class GrantsError extends FeatureError<GrantsErrorCode> {
  readonly feature = 'grants';
}

export const GRANTS_HTTP_STATUS = {
  /** A partner key asked for another partner's grants. */
  PARTNER_NOT_PERMITTED: HttpStatus.FORBIDDEN,
} as const satisfies Record<GrantsErrorCode, HttpStatus>;
