import { Controller, Delete, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Roles } from '@airan/auth';
import { SILENCE_ID } from '../params/path-param.pipe';
import { AlertingForwarder, type ForwardableRequest } from './alerting.forwarder';

/** Silences, owned by alerting; the caller is recorded as their creator. */
@Controller('v1/silences')
@Roles('ops', 'admin')
export class PublicSilencesController {
  constructor(private readonly forwarder: AlertingForwarder) {}

  @Get()
  list(@Req() request: ForwardableRequest, @Res() reply: FastifyReply) {
    return this.forwarder.forward(request, reply, '/internal/v1/silences');
  }

  @Post()
  create(@Req() request: ForwardableRequest, @Res() reply: FastifyReply) {
    return this.forwarder.forward(request, reply, '/internal/v1/silences');
  }

  @Delete(':id')
  expire(@Param('id', SILENCE_ID) id: string, @Req() request: ForwardableRequest, @Res() reply: FastifyReply) {
    return this.forwarder.forward(request, reply, `/internal/v1/silences/${id}`);
  }
}
