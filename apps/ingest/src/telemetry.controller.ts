import { Body, Controller, Headers, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import { type AuthenticatedRequest, Roles } from '@airan/auth';
import { SpanKind, withSpan } from '@airan/observability';
import { IngestError } from './ingest.errors';
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
    return withSpan('ingest.native-batch', { kind: SpanKind.SERVER, attributes: { 'airan.key_id': principal.keyId } }, async (span) => {
      const result = await this.ingestNativeBatch.execute(principal, body);
      return { ...result, traceId: span.spanContext().traceId };
    });
  }
}

/** The media type a route takes (parameters such as charset allowed), or 415. */
export function requireMediaType(contentType: string | undefined, expected: string): void {
  if (contentType?.split(';')[0].trim().toLowerCase() !== expected) {
    throw new IngestError('UNSUPPORTED_MEDIA_TYPE', `content-type must be ${expected}, got ${contentType ?? 'none'}`);
  }
}
