import { Controller, Get, Param, Req } from '@nestjs/common';
import { type AuthenticatedRequest, Roles } from '@airan/auth';
import { ListUnknownIdentifiersUseCase } from './list-unknown-identifiers.use-case';

@Controller('v1/sites/:siteId/unknown-identifiers')
export class UnknownIdentifiersController {
  constructor(private readonly listUnknownIdentifiers: ListUnknownIdentifiersUseCase) {}

  /** Cell and GPU node names the site reported that resolve to no registry entity: 403 for another operator's site, 404 for an unknown one. */
  @Get()
  @Roles('operator')
  list(@Req() request: AuthenticatedRequest, @Param('siteId') siteId: string) {
    return this.listUnknownIdentifiers.execute(request.principal!, siteId);
  }
}
