import { Body, Controller, Delete, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { Roles } from '@airan/auth';
import { IssueApiKeyUseCase } from './issue-api-key.use-case';
import { RevokeApiKeyUseCase } from './revoke-api-key.use-case';

/** Key administration: `POST /v1/admin/keys {role, subject, name}` answers the key once. */
@Controller('v1/admin/keys')
@Roles('admin')
export class KeysController {
  constructor(
    private readonly issue: IssueApiKeyUseCase,
    private readonly revoke: RevokeApiKeyUseCase,
  ) {}

  @Post()
  create(@Body() body: unknown) {
    return this.issue.execute(body);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  async remove(@Param('id') id: string) {
    await this.revoke.execute(id);
  }
}
