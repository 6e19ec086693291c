import { FeatureError } from '@airan/errors';
import { HttpStatus } from '@nestjs/common';

/** Errors of the unknown-identifier listing. */
export type IdentifiersErrorCode = 'SITE_NOT_FOUND' | 'SITE_NOT_OWNED';

export class IdentifiersError extends FeatureError<IdentifiersErrorCode> {
  readonly feature = 'identifiers';
}

export const IDENTIFIERS_HTTP_STATUS = {
  SITE_NOT_FOUND: HttpStatus.NOT_FOUND,
  SITE_NOT_OWNED: HttpStatus.FORBIDDEN,
} as const satisfies Record<IdentifiersErrorCode, HttpStatus>;
