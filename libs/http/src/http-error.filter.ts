import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FeatureError } from '@airan/errors';
import type { Logger } from '@airan/observability';
import { declaredMediaTypes, unsupportedMediaType } from './media-type.route';
import { RequestError } from './request.errors';
import { mergeRouteConfig } from './route-config';

/** Per feature, every code and its HTTP status. Typed as a full Record per feature so none is forgotten. */
export type HttpStatusMaps = Record<string, Record<string, HttpStatus>>;

export const HTTP_STATUS_MAPS = Symbol('HTTP_STATUS_MAPS');
export const HTTP_LOGGER = Symbol('HTTP_LOGGER');

export interface MappedError {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly details?: unknown;
  readonly retryAfter?: number;
  /** What the route would have taken (media types, content codings), for a 415. */
  readonly accepted?: readonly string[];
  /** Headers the answer carries besides the body (`Accept-Encoding` on a 415 for a content coding). */
  readonly headers?: Readonly<Record<string, string>>;
}

export const AUTH_HTTP_STATUS = {
  MISSING_CREDENTIALS: HttpStatus.UNAUTHORIZED,
  INVALID_CREDENTIALS: HttpStatus.UNAUTHORIZED,
  FORBIDDEN: HttpStatus.FORBIDDEN,
} as const satisfies Record<import('@airan/auth').AuthErrorCode, HttpStatus>;

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details?: unknown; readonly accepted?: readonly string[] };
}

/**
 * The challenge every 401 carries (RFC 9110 §11.6.1 requires one; RFC 6750 §3 defines it for bearer
 * tokens). A request that presented a key that is not valid is told so with `invalid_token`; one that
 * presented none gets the bare challenge, as RFC 6750 §3.1 asks.
 */
export function bearerChallenge(code: string): string {
  return code === 'INVALID_CREDENTIALS' ? 'Bearer realm="airan", error="invalid_token"' : 'Bearer realm="airan"';
}

/** A non-JSON error body: the bytes and their media type (OTLP's google.rpc.Status in protobuf). */
export class EncodedErrorBody {
  constructor(
    readonly contentType: string,
    readonly payload: Buffer,
  ) {}
}

/**
 * Builds a sub-protocol's error body from a mapped error and the request: a JSON value (VES `requestError`),
 * an `EncodedErrorBody`, or undefined for airan's usual `{ error }` body (a route that answers in the
 * request's own encoding, like OTLP, uses its own body only for protobuf requests).
 */
export type ErrorBodyBuilder = (error: MappedError, request: FastifyRequest) => unknown;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set by `ErrorBody`. */
    airanErrorBody?: ErrorBodyBuilder;
  }
}

/**
 * Gives a route its sub-protocol's error body. It travels in the fastify route config, not in a
 * controller-scoped filter, because fastify's own failures (malformed JSON, body too large, media type)
 * happen before Nest reaches the controller: only the global filter sees them, with the route's request.
 */
export const ErrorBody = (build: ErrorBodyBuilder) => mergeRouteConfig({ airanErrorBody: build });

/**
 * The one HTTP mapper: feature errors by their maps, framework errors by their status, anything else
 * 500. Routes of sub-protocols with their own error body (VES, OTLP protobuf) name it with `ErrorBody`.
 */
@Catch()
@Injectable()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(
    @Inject(HTTP_STATUS_MAPS) private readonly maps: HttpStatusMaps,
    @Inject(HTTP_LOGGER) private readonly logger: Logger,
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const mapped = this.map(error, request);
    if (mapped.status >= 500) this.logger.error({ err: error }, 'request failed');
    if (mapped.retryAfter !== undefined) void reply.header('Retry-After', String(mapped.retryAfter));
    if (mapped.status === HttpStatus.UNAUTHORIZED) void reply.header('WWW-Authenticate', bearerChallenge(mapped.code));
    for (const [name, value] of Object.entries(mapped.headers ?? {})) void reply.header(name, value);
    this.send(reply, request, mapped);
  }

  private send(reply: FastifyReply, request: FastifyRequest, mapped: MappedError): void {
    const body = request.routeOptions?.config?.airanErrorBody?.(mapped, request) ?? this.body(mapped);
    if (body instanceof EncodedErrorBody) void reply.status(mapped.status).type(body.contentType).send(body.payload);
    else void reply.status(mapped.status).send(body);
  }

  private body({ code, message, details, accepted }: MappedError): ErrorBody {
    return { error: { code, message, details, accepted } };
  }

  private map(error: unknown, request: FastifyRequest): MappedError {
    if (error instanceof RequestError) return { ...this.mapFeature(error), accepted: error.accepted, headers: error.headers };
    if (error instanceof FeatureError) return this.mapFeature(error);
    if (error instanceof HttpException) {
      const status = error.getStatus();
      // Fastify's own 415 (no parser for the type) happens before the route runs; it names the types the route declared all the same.
      const accepted = status === HttpStatus.UNSUPPORTED_MEDIA_TYPE ? declaredMediaTypes(request) : undefined;
      if (accepted) return this.map(unsupportedMediaType(request.headers['content-type'], accepted), request);
      return { status, code: HttpStatus[status] ?? 'HTTP_ERROR', message: error.message };
    }
    // Fastify's own errors (body parsing, size limits, content type) carry a 4xx statusCode and an FST_ code.
    const framework = error as { statusCode?: number; code?: string; message?: string };
    if (typeof framework.statusCode === 'number' && framework.statusCode >= 400 && framework.statusCode < 500) {
      return { status: framework.statusCode, code: framework.code ?? 'BAD_REQUEST', message: framework.message ?? 'bad request' };
    }
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, code: 'INTERNAL', message: 'internal error' };
  }

  private mapFeature(error: FeatureError<string>): MappedError {
    const status = this.maps[error.feature]?.[error.code];
    if (status === undefined) this.logger.error({ feature: error.feature, code: error.code }, 'error code without an HTTP status');
    return { status: status ?? HttpStatus.INTERNAL_SERVER_ERROR, code: error.code, message: error.message, details: error.details, retryAfter: error.retryAfterSeconds };
  }
}
