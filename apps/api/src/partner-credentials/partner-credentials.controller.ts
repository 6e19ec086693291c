import { Controller, Req } from '@nestjs/common';
import type { AuthenticatedRequest } from '@airan/auth';
import { Route } from '../openapi/route.decorator';
import { Input, type RouteInput } from '../params/route-input.pipe';
import { IssuePartnerCredentialUseCase } from './issue-partner-credential.use-case';
import { ListPartnerCredentialsUseCase } from './list-partner-credentials.use-case';
import { PARTNER_CREDENTIAL_ROUTES } from './partner-credentials.openapi';
import { RevokePartnerCredentialUseCase } from './revoke-partner-credential.use-case';

/** Partners' Kafka credentials (routes, schemas and documentation in partner-credentials.openapi.ts). */
@Controller()
export class PartnerCredentialsController {
  constructor(
    private readonly issue: IssuePartnerCredentialUseCase,
    private readonly list: ListPartnerCredentialsUseCase,
    private readonly revoke: RevokePartnerCredentialUseCase,
  ) {}

  @Route(PARTNER_CREDENTIAL_ROUTES.issue)
  create(@Req() request: AuthenticatedRequest, @Input() { params }: RouteInput<typeof PARTNER_CREDENTIAL_ROUTES.issue>) {
    return this.issue.execute(request.principal!, params.partnerId);
  }

  @Route(PARTNER_CREDENTIAL_ROUTES.list)
  async index(@Req() request: AuthenticatedRequest, @Input() { params }: RouteInput<typeof PARTNER_CREDENTIAL_ROUTES.list>) {
    return { credentials: await this.list.execute(request.principal!, params.partnerId) };
  }

  @Route(PARTNER_CREDENTIAL_ROUTES.revoke)
  async remove(@Req() request: AuthenticatedRequest, @Input() { params }: RouteInput<typeof PARTNER_CREDENTIAL_ROUTES.revoke>) {
    await this.revoke.execute(request.principal!, params.partnerId, params.id);
  }
}
