import { Controller, Get, Header, HttpStatus, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { READINESS_CHECKS, type ReadinessCheck, runReadinessChecks } from './health';
import { metricsRegistry } from './metrics';
import { Public } from './public.decorator';

/** Routes that probes and scrapers call every few seconds. */
export const PROBE_ROUTES = { live: '/health/live', ready: '/health/ready', metrics: '/metrics' } as const;

/** `/health/live`, `/health/ready` and `/metrics`, the same on every app. Unauthenticated by design: probes and scrapers. */
@Public()
@Controller()
export class ObservabilityController {
  constructor(@Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[]) {}

  @Get(PROBE_ROUTES.live)
  live() {
    return { status: 'ok' };
  }

  @Get(PROBE_ROUTES.ready)
  async ready(@Res() reply: FastifyReply) {
    const report = await runReadinessChecks(this.checks);
    await reply.status(report.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).send(report);
  }

  @Get(PROBE_ROUTES.metrics)
  @Header('Content-Type', metricsRegistry.contentType)
  metrics() {
    return metricsRegistry.metrics();
  }
}
