import { Body, Controller, Delete, Get, Header, HttpCode, HttpStatus, Inject, Param, Post, Put, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Roles } from '@airan/auth';
import { INFRA, type ServiceInfra } from '@airan/http';
import { rulesToYaml } from '@airan/rule-engine';
import { AlertingError } from '../alerting.errors';
import { ManageRulesUseCase } from './manage-rules.use-case';
import { RuleRepository } from './rule.repository';

/** Rules, for the api to forward (internal: authenticated by the ops token). */
@Controller('internal/v1/rules')
@Roles('admin')
export class InternalRulesController {
  constructor(
    @Inject(INFRA) private readonly infra: ServiceInfra,
    private readonly rules: RuleRepository,
    private readonly manage: ManageRulesUseCase,
  ) {}

  @Get()
  async list() {
    return { rules: await this.rules.list(this.infra.dataSource.manager) };
  }

  @Get('export')
  @Header('content-type', 'application/yaml; charset=utf-8')
  async export() {
    return rulesToYaml(await this.rules.list(this.infra.dataSource.manager));
  }

  @Post('import')
  @HttpCode(HttpStatus.OK)
  import(@Body() body: unknown, @Query('replace') replace?: string) {
    if (typeof body !== 'string') throw new AlertingError('INVALID_RULES_YAML', 'send the rules document as application/yaml', [{ path: '$', code: 'INVALID_VALUE', message: 'expected a YAML document' }]);
    return this.manage.import(body, replace === 'true');
  }

  @Get(':id')
  async get(@Param('id') id: string) {
    const rule = await this.infra.dataSource.transaction((tx) => this.rules.find(tx, id));
    if (!rule) throw new AlertingError('RULE_NOT_FOUND', `no rule has id ${id}`);
    return rule;
  }

  @Put(':id')
  async put(@Param('id') id: string, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const { rule, created } = await this.manage.put(id, body);
    reply.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return rule;
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  async delete(@Param('id') id: string) {
    await this.manage.delete(id);
  }
}
