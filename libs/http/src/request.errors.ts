import { HttpStatus } from '@nestjs/common';
import { FeatureError } from '@airan/errors';

/**
 * Failures of a request's envelope, found before any feature reads the body: its content coding, its
 * media type, its size once decoded. Every app's routes share them, so they belong to the HTTP layer.
 */
export type RequestErrorCode = 'UNSUPPORTED_CONTENT_ENCODING' | 'INVALID_CONTENT_ENCODING' | 'UNSUPPORTED_MEDIA_TYPE' | 'PAYLOAD_TOO_LARGE';

export class RequestError extends FeatureError<RequestErrorCode> {
  readonly feature = 'request';

  constructor(
    code: RequestErrorCode,
    message: string,
    /** What the route would have taken (media types, content codings): named in the body so a client can correct itself. */
    readonly accepted?: readonly string[],
    /** Response headers that say the same to HTTP machinery (`Accept-Encoding` on a 415 for a content coding, RFC 9110 §15.5.16). */
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(code, message);
  }
}

export const REQUEST_HTTP_STATUS = {
  UNSUPPORTED_CONTENT_ENCODING: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  INVALID_CONTENT_ENCODING: HttpStatus.BAD_REQUEST,
  UNSUPPORTED_MEDIA_TYPE: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  PAYLOAD_TOO_LARGE: HttpStatus.PAYLOAD_TOO_LARGE,
} as const satisfies Record<RequestErrorCode, HttpStatus>;
