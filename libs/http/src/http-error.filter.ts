import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { FeatureError } from '@airan/errors';
import type { Logger } from '@airan/observability';

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
}

export const AUTH_HTTP_STATUS = {
  MISSING_CREDENTIALS: HttpStatus.UNAUTHORIZED,
  INVALID_CREDENTIALS: HttpStatus.UNAUTHORIZED,
  FORBIDDEN: HttpStatus.FORBIDDEN,
} as const satisfies Record<import('@airan/auth').AuthErrorCode, HttpStatus>;

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details?: unknown };
}

/**
 * The one HTTP mapper: feature errors by their maps, framework errors by their status, anything else
 * 500. Sub-protocols with their own error body (VES) extend it and override `body` only.
 */
@Catch()
@Injectable()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(
    @Inject(HTTP_STATUS_MAPS) private readonly maps: HttpStatusMaps,
    @Inject(HTTP_LOGGER) private readonly logger: Logger,
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const mapped = this.map(error);
    if (mapped.status >= 500) this.logger.error({ err: error }, 'request failed');
    if (mapped.retryAfter !== undefined) void reply.header('Retry-After', String(mapped.retryAfter));
    void reply.status(mapped.status).send(this.body(mapped));
  }

  protected body({ code, message, details }: MappedError): unknown {
    return { error: { code, message, details } } satisfies ErrorBody;
  }

  private map(error: unknown): MappedError {
    if (error instanceof FeatureError) {
      const status = this.maps[error.feature]?.[error.code];
      if (status === undefined) this.logger.error({ feature: error.feature, code: error.code }, 'error code without an HTTP status');
      return { status: status ?? HttpStatus.INTERNAL_SERVER_ERROR, code: error.code, message: error.message, details: error.details, retryAfter: error.retryAfterSeconds };
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      return { status, code: HttpStatus[status] ?? 'HTTP_ERROR', message: error.message };
    }
    // Fastify's own errors (body parsing, size limits, content type) carry a 4xx statusCode and an FST_ code.
    const framework = error as { statusCode?: number; code?: string; message?: string };
    if (typeof framework.statusCode === 'number' && framework.statusCode >= 400 && framework.statusCode < 500) {
      return { status: framework.statusCode, code: framework.code ?? 'BAD_REQUEST', message: framework.message ?? 'bad request' };
    }
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, code: 'INTERNAL', message: 'internal error' };
  }
}
