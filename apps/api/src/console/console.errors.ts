import { FeatureError } from '@airan/errors';
import { HttpStatus } from '@nestjs/common';

export type ConsoleErrorCode = 'CONSOLE_NOT_BUILT' | 'CONSOLE_ASSET_NOT_FOUND';

export class ConsoleError extends FeatureError<ConsoleErrorCode> {
  readonly feature = 'console';
}

export const CONSOLE_HTTP_STATUS = {
  CONSOLE_NOT_BUILT: HttpStatus.SERVICE_UNAVAILABLE,
  CONSOLE_ASSET_NOT_FOUND: HttpStatus.NOT_FOUND,
} as const satisfies Record<ConsoleErrorCode, HttpStatus>;
