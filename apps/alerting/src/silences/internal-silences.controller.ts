import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { type AuthenticatedRequest, Roles } from '@airan/auth';
import { INFRA, type ServiceInfra } from '@airan/http';
import { Clock } from '@airan/system';
import { ManageSilencesUseCase } from './manage-silences.use-case';
import { actorOf } from '../actions/ops-actor';
import { SilenceRepository } from './silence.repository';

/** Silences, for the api to forward (internal: authenticated by the ops token). */
@Controller('internal/v1/silences')
@Roles('admin')
export class InternalSilencesController {
  constructor(
    @Inject(INFRA) private readonly infra: ServiceInfra,
    private readonly silences: SilenceRepository,
    private readonly manage: ManageSilencesUseCase,
    private readonly clock: Clock,
  ) {}

  @Get()
  async list(@Query('expired') expired?: string) {
    return { silences: await this.silences.list(this.infra.dataSource.manager, expired === 'true', this.clock.now()) };
  }

  @Post()
  create(@Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.manage.create(body, actorOf(request));
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  async expire(@Param('id') id: string) {
    await this.manage.expire(id);
  }
}
