import { Controller, Req } from '@nestjs/common';
import type { AuthenticatedRequest } from '@airan/auth';
import { Route } from '../openapi/route.decorator';
import { Input, type RouteInput } from '../params/route-input.pipe';
import { GRANT_ROUTES } from './grants.openapi';
import { ListGrantsUseCase } from './list-grants.use-case';

/** Grants, read (routes, schemas and documentation in grants.openapi.ts). */
@Controller()
export class GrantsController {
  constructor(private readonly grants: ListGrantsUseCase) {}

  @Route(GRANT_ROUTES.list)
  async list(@Req() request: AuthenticatedRequest, @Input() { query }: RouteInput<typeof GRANT_ROUTES.list>) {
    return { grants: await this.grants.execute(request.principal!, query) };
  }
}
