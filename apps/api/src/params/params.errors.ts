import { FeatureError } from '@airan/errors';
import { HttpStatus } from '@nestjs/common';

/** One code per part of the request, so a client knows which part to correct; details name each field. */
export type ParamsErrorCode = 'INVALID_PATH_PARAMETER' | 'INVALID_QUERY' | 'INVALID_BODY';

/** A request that does not match its route's schemas, refused before any lookup or forwarding. */
export class ParamsError extends FeatureError<ParamsErrorCode> {
  readonly feature = 'params';
}

export const PARAMS_HTTP_STATUS = {
  INVALID_PATH_PARAMETER: HttpStatus.BAD_REQUEST,
  INVALID_QUERY: HttpStatus.BAD_REQUEST,
  INVALID_BODY: HttpStatus.BAD_REQUEST,
} as const satisfies Record<ParamsErrorCode, HttpStatus>;
