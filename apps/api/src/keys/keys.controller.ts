import { Controller } from '@nestjs/common';
import { Route } from '../openapi/route.decorator';
import { Input, type RouteInput } from '../params/route-input.pipe';
import { IssueApiKeyUseCase } from './issue-api-key.use-case';
import { KEY_ROUTES } from './keys.openapi';
import { RevokeApiKeyUseCase } from './revoke-api-key.use-case';

/** Key administration (routes, schemas and documentation in keys.openapi.ts): the key is answered once. */
@Controller()
export class KeysController {
  constructor(
    private readonly issue: IssueApiKeyUseCase,
    private readonly revoke: RevokeApiKeyUseCase,
  ) {}

  @Route(KEY_ROUTES.issue)
  create(@Input() { body }: RouteInput<typeof KEY_ROUTES.issue>) {
    return this.issue.execute(body);
  }

  @Route(KEY_ROUTES.revoke)
  async remove(@Input() { params }: RouteInput<typeof KEY_ROUTES.revoke>) {
    await this.revoke.execute(params.id);
  }
}
