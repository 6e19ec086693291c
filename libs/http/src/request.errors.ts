import { HttpStatus } from '@nestjs/common';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { FeatureError } from '@airan/errors';
import { setSecurityHeaders } from './security-headers.hook';

/**
 * Failures of a request's envelope, found before any feature reads the body: its request line and
 * headers, its URL, its content coding, its media type, its size once decoded. Every app's routes share them, so they belong to the
 * HTTP layer.
 */
export type RequestErrorCode =
  | 'MALFORMED_REQUEST'
  | 'HEADERS_TOO_LARGE'
  | 'REQUEST_TIMEOUT'
  | 'MALFORMED_URL'
  | 'URL_TOO_LONG'
  | 'UNSUPPORTED_CONTENT_ENCODING'
  | 'INVALID_CONTENT_ENCODING'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE';

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

/** 431 (RFC 6585 §5), which Nest's HttpStatus does not list. */
const REQUEST_HEADER_FIELDS_TOO_LARGE = 431 as HttpStatus;

export const REQUEST_HTTP_STATUS = {
  MALFORMED_REQUEST: HttpStatus.BAD_REQUEST,
  HEADERS_TOO_LARGE: REQUEST_HEADER_FIELDS_TOO_LARGE,
  REQUEST_TIMEOUT: HttpStatus.REQUEST_TIMEOUT,
  MALFORMED_URL: HttpStatus.BAD_REQUEST,
  URL_TOO_LONG: HttpStatus.URI_TOO_LONG,
  UNSUPPORTED_CONTENT_ENCODING: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  INVALID_CONTENT_ENCODING: HttpStatus.BAD_REQUEST,
  UNSUPPORTED_MEDIA_TYPE: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  PAYLOAD_TOO_LARGE: HttpStatus.PAYLOAD_TOO_LARGE,
} as const satisfies Record<RequestErrorCode, HttpStatus>;

/**
 * The longest path parameter the router reads (fastify's default is 100). Longer than any a route
 * documents (registry ids take 128), so that a route's own schema refuses a long one, naming it;
 * past this the router refuses the URL itself (URL_TOO_LONG).
 */
export const MAX_PATH_PARAMETER_LENGTH = 1024;

/**
 * fastify's `frameworkErrors`: its router refuses a path that does not percent-decode, or with a
 * parameter over MAX_PATH_PARAMETER_LENGTH, before any route (and so Nest's error filter) is reached,
 * and such an answer runs no hooks. Answered here as every other refusal: airan's error body and the
 * security headers. The path is not echoed: it may be huge. airan declares no async route
 * constraints, fastify's third kind of framework error.
 */
export function answerRouterError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const [code, message]: [RequestErrorCode, string] =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? ['URL_TOO_LONG', `a path segment is longer than ${MAX_PATH_PARAMETER_LENGTH} characters`] : ['MALFORMED_URL', 'the path is not validly percent-encoded UTF-8'];
  setSecurityHeaders(request, reply);
  void reply.status(REQUEST_HTTP_STATUS[code]).send({ error: { code, message } });
}
