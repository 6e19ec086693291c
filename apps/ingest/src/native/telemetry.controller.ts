import { Body, Controller, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import { type AuthenticatedRequest, Roles } from '@airan/auth';
import { AcceptsMediaTypes } from '@airan/http';
import { withSpan } from '@airan/observability';
import { IngestNativeBatchUseCase } from './ingest-native-batch.use-case';

@Controller('v1/telemetry')
export class TelemetryController {
  constructor(private readonly ingestNativeBatch: IngestNativeBatchUseCase) {}

  /** Native JSON batches. 202 once Kafka holds every accepted record; per-record errors in the body. */
  @Post()
  @Roles('operator')
  @HttpCode(HttpStatus.ACCEPTED)
  @AcceptsMediaTypes({ 'application/json': 'json' })
  ingest(@Req() request: AuthenticatedRequest, @Body() body: unknown) {
    const principal = request.principal!;
    return withSpan('ingest.native', { attributes: { 'airan.key_id': principal.keyId } }, async (span) => {
      const result = await this.ingestNativeBatch.execute(principal, body);
      return { ...result, traceId: span.spanContext().traceId };
    });
  }
}
