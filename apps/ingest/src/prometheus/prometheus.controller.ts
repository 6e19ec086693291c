import { Body, Controller, Headers, HttpCode, HttpStatus, Post, Query, Req } from '@nestjs/common';
import { type AuthenticatedRequest, Roles } from '@airan/auth';
import { AcceptsMediaTypes, mediaType } from '@airan/http';
import { withSpan } from '@airan/observability';
import { OPENMETRICS_EOF, isOpenMetricsText } from '@airan/telemetry-formats';
import { IngestError } from '../ingest.errors';
import { IngestPrometheusUseCase } from './ingest-prometheus.use-case';

/** What a DCGM exporter (or any Prometheus-compatible agent) serves: 0.0.4 text, or OpenMetrics when asked for it. */
const PROMETHEUS_TEXT = 'text/plain';
const OPENMETRICS_TEXT = 'application/openmetrics-text';

/** Prometheus text exposition or OpenMetrics pushed by a site (what its DCGM exporter serves). */
@Controller('v1/prometheus')
export class PrometheusController {
  constructor(private readonly ingestPrometheus: IngestPrometheusUseCase) {}

  @Post()
  @Roles('operator')
  @HttpCode(HttpStatus.ACCEPTED)
  @AcceptsMediaTypes({ [PROMETHEUS_TEXT]: 'text', [OPENMETRICS_TEXT]: 'text' })
  push(@Req() request: AuthenticatedRequest, @Headers('content-type') contentType: string | undefined, @Query() query: Record<string, string>, @Body() body: unknown) {
    const text = typeof body === 'string' ? body : '';
    // `# EOF` is how OpenMetrics tells a whole exposition from a cut-off one: without it, samples may be missing.
    if (mediaType(contentType) === OPENMETRICS_TEXT && !isOpenMetricsText(text)) {
      throw new IngestError('INVALID_FORMAT', `an OpenMetrics exposition ends with a ${OPENMETRICS_EOF} line; this one has none (cut off?)`, [{ path: '$', code: 'MISSING_FIELD', message: `no ${OPENMETRICS_EOF} line` }]);
    }
    const principal = request.principal!;
    return withSpan('ingest.prometheus', { attributes: { 'airan.key_id': principal.keyId } }, async (span) => {
      const result = await this.ingestPrometheus.execute(principal, query, text);
      return { ...result, traceId: span.spanContext().traceId };
    });
  }
}
