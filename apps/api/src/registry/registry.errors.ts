import { FeatureError } from '@airan/errors';
import { HttpStatus } from '@nestjs/common';

export type RegistryErrorCode = 'UNKNOWN_TYPE' | 'INVALID_ID' | 'INVALID_ENTITY' | 'NOT_FOUND' | 'REFERENCE_MISSING' | 'STILL_REFERENCED';

export class RegistryError extends FeatureError<RegistryErrorCode> {
  readonly feature = 'registry';
}

export const REGISTRY_HTTP_STATUS = {
  UNKNOWN_TYPE: HttpStatus.NOT_FOUND,
  INVALID_ID: HttpStatus.BAD_REQUEST,
  INVALID_ENTITY: HttpStatus.UNPROCESSABLE_ENTITY,
  NOT_FOUND: HttpStatus.NOT_FOUND,
  REFERENCE_MISSING: HttpStatus.UNPROCESSABLE_ENTITY,
  STILL_REFERENCED: HttpStatus.CONFLICT,
} as const satisfies Record<RegistryErrorCode, HttpStatus>;
