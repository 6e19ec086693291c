import { FeatureError } from '@airan/errors';
import { HttpStatus } from '@nestjs/common';

export type ParamsErrorCode = 'INVALID_PATH_PARAMETER';

/** A malformed path parameter, refused before any lookup or forwarding. */
export class ParamsError extends FeatureError<ParamsErrorCode> {
  readonly feature = 'params';
}

export const PARAMS_HTTP_STATUS = { INVALID_PATH_PARAMETER: HttpStatus.BAD_REQUEST } as const satisfies Record<ParamsErrorCode, HttpStatus>;
