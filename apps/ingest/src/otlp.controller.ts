import { Body, Controller, Headers, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import { type AuthenticatedRequest, Roles } from '@airan/auth';
import { SpanKind, withSpan } from '@airan/observability';
import { IngestOtlpUseCase } from './ingest-otlp.use-case';
import { requireMediaType } from './media-type';

/** OTLP/HTTP metrics receiver (JSON encoding; protobuf answers 415). */
@Controller('v1/metrics')
export class OtlpController {
  constructor(private readonly ingestOtlp: IngestOtlpUseCase) {}

  /** 200 with an empty ExportMetricsServiceResponse, or `partialSuccess` (and airan's `fieldErrors`) when points were rejected. */
  @Post()
  @Roles('operator')
  @HttpCode(HttpStatus.OK)
  export(@Req() request: AuthenticatedRequest, @Headers('content-type') contentType: string | undefined, @Body() body: unknown) {
    requireMediaType(contentType, 'application/json');
    const principal = request.principal!;
    return withSpan('ingest.otlp', { kind: SpanKind.SERVER, attributes: { 'airan.key_id': principal.keyId } }, async () => {
      const outcome = await this.ingestOtlp.execute(principal, body);
      if (outcome.rejected === 0) return {};
      return {
        // int64 fields are decimal strings in OTLP/JSON.
        partialSuccess: { rejectedDataPoints: String(outcome.rejected), errorMessage: `${outcome.rejected} data points rejected; see fieldErrors` },
        fieldErrors: outcome.errors,
      };
    });
  }
}
