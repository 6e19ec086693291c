import { Body, Controller, HttpCode, HttpStatus, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { type AuthenticatedRequest, Roles } from '@airan/auth';
import { AcceptsMediaTypes } from '@airan/http';
import { withSpan } from '@airan/observability';
import { encodeOtlpMetricsResponse } from '@airan/telemetry-formats';
import type { PublishOutcome } from '../publishing/publish-telemetry.use-case';
import { IngestOtlpUseCase } from './ingest-otlp.use-case';
import { OtlpErrorBody } from './otlp-error.body';
import { OTLP_JSON, OTLP_PROTOBUF } from './otlp.media-types';

/**
 * OTLP/HTTP metrics receiver, both encodings. The answer uses the request's encoding, as OTLP/HTTP
 * requires: an ExportMetricsServiceResponse (empty, or `partialSuccess` when points were rejected) and,
 * on failure, a google.rpc.Status for protobuf clients (OtlpErrorBody).
 */
@Controller('v1/metrics')
export class OtlpController {
  constructor(private readonly ingestOtlp: IngestOtlpUseCase) {}

  @Post()
  @Roles('operator')
  @HttpCode(HttpStatus.OK)
  @OtlpErrorBody
  @AcceptsMediaTypes({ [OTLP_JSON]: 'json', [OTLP_PROTOBUF]: 'binary' })
  export(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown) {
    const protobuf = Buffer.isBuffer(body);
    const principal = request.principal!;
    return withSpan('ingest.otlp', { attributes: { 'airan.key_id': principal.keyId, 'airan.encoding': protobuf ? 'protobuf' : 'json' } }, async () => {
      const outcome = await this.ingestOtlp.execute(principal, body);
      const message = responseMessage(outcome);
      if (protobuf) {
        void reply.type(OTLP_PROTOBUF);
        return Buffer.from(encodeOtlpMetricsResponse(outcome.rejected, message));
      }
      if (message === '') return {};
      // int64 fields are decimal strings in OTLP/JSON.
      const partialSuccess = { rejectedDataPoints: String(outcome.rejected), errorMessage: message };
      return outcome.rejected === 0 ? { partialSuccess } : { partialSuccess, fieldErrors: outcome.errors };
    });
  }
}

/**
 * `partial_success.error_message`: the rejected points, and the points airan passed over. OTLP lets a
 * server warn through `partial_success` with 0 rejected, so a site learns that metrics it sends are not
 * mapped rather than finding out from an empty dashboard.
 */
function responseMessage({ rejected, ignoredMetrics, ignoredRecords }: PublishOutcome): string {
  const parts: string[] = [];
  if (rejected > 0) parts.push(`${rejected} data points rejected; each is in the dead-letter topic`);
  if (ignoredRecords > 0) {
    const names = ignoredMetrics.length > 0 ? ` (metrics airan does not map: ${ignoredMetrics.join(', ')})` : '';
    parts.push(`${ignoredRecords} data points accepted and ignored${names}`);
  }
  return parts.join('; ');
}
