import { Controller, Req } from '@nestjs/common';
import type { AuthenticatedRequest } from '@airan/auth';
import { Route } from '../openapi/route.decorator';
import { Input, type RouteInput } from '../params/route-input.pipe';
import { GetIngestHealthUseCase, type IngestHealth } from './get-ingest-health.use-case';
import { INGEST_HEALTH_ROUTES } from './ingest-health.openapi';

/** Ingest health per site (route, schemas and documentation in ingest-health.openapi.ts). */
@Controller()
export class IngestHealthController {
  constructor(private readonly health: GetIngestHealthUseCase) {}

  @Route(INGEST_HEALTH_ROUTES.sites)
  sites(@Req() request: AuthenticatedRequest, @Input() { query }: RouteInput<typeof INGEST_HEALTH_ROUTES.sites>): Promise<IngestHealth> {
    return this.health.execute(request.principal!, query);
  }
}
