import { Body, Controller, Headers, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import { type AuthenticatedRequest, Roles } from '@airan/auth';
import { withSpan } from '@airan/observability';
import { requireMediaType } from '../http/media-type.check';
import { IngestNativeBatchUseCase } from './ingest-native-batch.use-case';

@Controller('v1/telemetry')
export class TelemetryController {
  constructor(private readonly ingestNativeBatch: IngestNativeBatchUseCase) {}

  /** Native JSON batches. 202 once Kafka holds every accepted record; per-record errors in the body. */
  @Post()
  @Roles('operator')
  @HttpCode(HttpStatus.ACCEPTED)
  ingest(@Req() request: AuthenticatedRequest, @Headers('content-type') contentType: string | undefined, @Body() body: unknown) {
    requireMediaType(contentType, 'application/json');
    const principal = request.principal!;
    return withSpan('ingest.native', { attributes: { 'airan.key_id': principal.keyId } }, async (span) => {
      const result = await this.ingestNativeBatch.execute(principal, body);
      return { ...result, traceId: span.spanContext().traceId };
    });
  }
}
