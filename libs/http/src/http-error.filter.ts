import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Logger } from '@airan/observability';

/** A feature's error: `feature` picks the status map, `code` the entry. Features define their own codes. */
export interface FeatureError extends Error {
  readonly feature: string;
  readonly code: string;
  readonly details?: unknown;
  /** Seconds a client should wait before retrying (503, 429). */
  readonly retryAfterSeconds?: number;
}

/** Per feature, every code and its HTTP status. Typed as a full Record per feature so none is forgotten. */
export type HttpStatusMaps = Record<string, Record<string, HttpStatus>>;

export const AUTH_HTTP_STATUS = {
  MISSING_CREDENTIALS: HttpStatus.UNAUTHORIZED,
  INVALID_CREDENTIALS: HttpStatus.UNAUTHORIZED,
  FORBIDDEN: HttpStatus.FORBIDDEN,
} as const satisfies Record<import('@airan/auth').AuthErrorCode, HttpStatus>;

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details?: unknown };
}

function isFeatureError(error: unknown): error is FeatureError {
  return error instanceof Error && typeof (error as FeatureError).feature === 'string' && typeof (error as FeatureError).code === 'string';
}

/** The one HTTP mapper: feature errors by their maps, framework errors by their status, anything else 500. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(
    private readonly maps: HttpStatusMaps,
    private readonly logger: Logger,
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body, retryAfter } = this.map(error);
    if (status >= 500) this.logger.error({ err: error }, 'request failed');
    if (retryAfter !== undefined) void reply.header('Retry-After', String(retryAfter));
    void reply.status(status).send(body);
  }

  private map(error: unknown): { status: number; body: ErrorBody; retryAfter?: number } {
    if (isFeatureError(error)) {
      const status = this.maps[error.feature]?.[error.code] ?? HttpStatus.INTERNAL_SERVER_ERROR;
      return { status, body: { error: { code: error.code, message: error.message, details: error.details } }, retryAfter: error.retryAfterSeconds };
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      return { status, body: { error: { code: HttpStatus[status] ?? 'HTTP_ERROR', message: error.message } } };
    }
    // Fastify's own errors (body parsing, size limits, content type) carry a 4xx statusCode and an FST_ code.
    const framework = error as { statusCode?: number; code?: string; message?: string };
    if (typeof framework.statusCode === 'number' && framework.statusCode >= 400 && framework.statusCode < 500) {
      return { status: framework.statusCode, body: { error: { code: framework.code ?? 'BAD_REQUEST', message: framework.message ?? 'bad request' } } };
    }
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, body: { error: { code: 'INTERNAL', message: 'internal error' } } };
  }
}
