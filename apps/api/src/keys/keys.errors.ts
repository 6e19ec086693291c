import { FeatureError } from '@airan/errors';
import { HttpStatus } from '@nestjs/common';

export type KeysErrorCode = 'INVALID_KEY_REQUEST' | 'UNKNOWN_OPERATOR' | 'KEY_NOT_FOUND';

export class KeysError extends FeatureError<KeysErrorCode> {
  readonly feature = 'keys';
}

export const KEYS_HTTP_STATUS = {
  INVALID_KEY_REQUEST: HttpStatus.UNPROCESSABLE_ENTITY,
  UNKNOWN_OPERATOR: HttpStatus.UNPROCESSABLE_ENTITY,
  KEY_NOT_FOUND: HttpStatus.NOT_FOUND,
} as const satisfies Record<KeysErrorCode, HttpStatus>;
