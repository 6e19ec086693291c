import { Body, Controller, HttpCode, HttpStatus, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { type AuthenticatedRequest, Roles } from '@airan/auth';
import { AcceptsMediaTypes, ErrorBody } from '@airan/http';
import { withSpan } from '@airan/observability';
import { type VesFieldError, buildVesRequestError } from '@airan/telemetry-formats';
import { IngestVesUseCase } from './ingest-ves.use-case';

/** Failures of the body as a whole (malformed, too large, media type): without field details, VES names the root `$`. */
const BODY_LEVEL_STATUSES: ReadonlySet<number> = new Set([HttpStatus.BAD_REQUEST, HttpStatus.PAYLOAD_TOO_LARGE, HttpStatus.UNSUPPORTED_MEDIA_TYPE]);

/** VES 7.x events are JSON only. */
const VES_MEDIA_TYPES = AcceptsMediaTypes({ 'application/json': 'json' });

/** VES failures answer with the spec's `requestError`, plus the JSON path of every offending field. */
const VesErrorBody = ErrorBody(({ status, code, message, details }) => {
  const fields: VesFieldError[] = Array.isArray(details) ? details : BODY_LEVEL_STATUSES.has(status) ? [{ path: '$', code, message }] : [];
  return buildVesRequestError(fields, message);
});

/**
 * The VES 7.x event listener. 202 with an empty body when every event was accepted; when some were
 * rejected, 202 still (the good ones are held) with a `requestError` body naming the rejected fields.
 */
@Controller('eventListener/v7')
@Roles('operator')
export class VesController {
  constructor(private readonly ingestVes: IngestVesUseCase) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @VesErrorBody
  @VES_MEDIA_TYPES
  event(@Req() request: AuthenticatedRequest, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.handle(request, body, false, reply);
  }

  @Post('eventBatch')
  @HttpCode(HttpStatus.ACCEPTED)
  @VesErrorBody
  @VES_MEDIA_TYPES
  eventBatch(@Req() request: AuthenticatedRequest, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.handle(request, body, true, reply);
  }

  private handle(request: AuthenticatedRequest, body: unknown, batch: boolean, reply: FastifyReply) {
    const principal = request.principal!;
    return withSpan('ingest.ves', { attributes: { 'airan.key_id': principal.keyId } }, async (span) => {
      const outcome = await this.ingestVes.execute(principal, body, batch);
      void reply.header('x-airan-trace-id', span.spanContext().traceId);
      return outcome.rejected === 0 ? undefined : buildVesRequestError(outcome.errors, `${outcome.rejected} of ${outcome.accepted + outcome.rejected} events were rejected; the others were accepted`);
    });
  }
}
