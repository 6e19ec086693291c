import { Body, Controller, Headers, HttpCode, HttpStatus, Post, Query, Req } from '@nestjs/common';
import { type AuthenticatedRequest, Roles } from '@airan/auth';
import { withSpan } from '@airan/observability';
import { requireMediaType } from '../http/media-type.check';
import { IngestPrometheusUseCase } from './ingest-prometheus.use-case';

/** Prometheus text exposition pushed by a site (what its DCGM exporter serves). */
@Controller('v1/prometheus')
export class PrometheusController {
  constructor(private readonly ingestPrometheus: IngestPrometheusUseCase) {}

  @Post()
  @Roles('operator')
  @HttpCode(HttpStatus.ACCEPTED)
  push(@Req() request: AuthenticatedRequest, @Headers('content-type') contentType: string | undefined, @Query() query: Record<string, string>, @Body() body: unknown) {
    requireMediaType(contentType, 'text/plain');
    const principal = request.principal!;
    return withSpan('ingest.prometheus', { attributes: { 'airan.key_id': principal.keyId } }, async (span) => {
      const result = await this.ingestPrometheus.execute(principal, query, typeof body === 'string' ? body : '');
      return { ...result, traceId: span.spanContext().traceId };
    });
  }
}
