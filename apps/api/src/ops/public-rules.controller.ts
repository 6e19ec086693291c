import { Controller, Delete, Get, Param, Post, Put, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Roles } from '@airan/auth';
import { RULE_ID } from '../params/path-param.pipe';
import { AlertingForwarder, type ForwardableRequest } from './alerting.forwarder';

/** Media types of a YAML rules document; their bodies are kept as text, which alerting parses and validates. */
export const RULES_YAML_MEDIA_TYPES = ['application/yaml', 'text/yaml', 'application/x-yaml'];

/** Alert rules, owned by alerting: JSON one by one, or the whole set as YAML (export, import with `?replace=true`). */
@Controller('v1')
@Roles('ops', 'admin')
export class PublicRulesController {
  constructor(private readonly forwarder: AlertingForwarder) {}

  @Get('rules')
  list(@Req() request: ForwardableRequest, @Res() reply: FastifyReply) {
    return this.forwarder.forward(request, reply, '/internal/v1/rules');
  }

  @Get('rules.yaml')
  exportYaml(@Req() request: ForwardableRequest, @Res() reply: FastifyReply) {
    return this.forwarder.forward(request, reply, '/internal/v1/rules/export');
  }

  @Post('rules/import')
  importYaml(@Req() request: ForwardableRequest, @Res() reply: FastifyReply) {
    return this.forwarder.forward(request, reply, '/internal/v1/rules/import');
  }

  @Get('rules/:id')
  get(@Param('id', RULE_ID) id: string, @Req() request: ForwardableRequest, @Res() reply: FastifyReply) {
    return this.forwarder.forward(request, reply, `/internal/v1/rules/${id}`);
  }

  @Put('rules/:id')
  put(@Param('id', RULE_ID) id: string, @Req() request: ForwardableRequest, @Res() reply: FastifyReply) {
    return this.forwarder.forward(request, reply, `/internal/v1/rules/${id}`);
  }

  @Delete('rules/:id')
  remove(@Param('id', RULE_ID) id: string, @Req() request: ForwardableRequest, @Res() reply: FastifyReply) {
    return this.forwarder.forward(request, reply, `/internal/v1/rules/${id}`);
  }
}
