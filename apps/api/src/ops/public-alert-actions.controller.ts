import { Controller, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Roles } from '@airan/auth';
import { FINGERPRINT } from '../params/path-param.pipe';
import { AlertingForwarder, type ForwardableRequest } from './alerting.forwarder';

/**
 * People acting on an alert: acknowledge (`{comment?}`), take the acknowledgement back, assign
 * (`{assignee}`). Alerting owns the lifecycle; each action comes back as an event on `airan.alerts.v1`.
 */
@Controller('v1/alerts/:fingerprint')
@Roles('ops', 'admin')
export class PublicAlertActionsController {
  constructor(private readonly forwarder: AlertingForwarder) {}

  @Post('ack')
  ack(@Param('fingerprint', FINGERPRINT) fingerprint: string, @Req() request: ForwardableRequest, @Res() reply: FastifyReply) {
    return this.forwarder.forward(request, reply, `/internal/v1/alerts/${fingerprint}/ack`);
  }

  @Post('unack')
  unack(@Param('fingerprint', FINGERPRINT) fingerprint: string, @Req() request: ForwardableRequest, @Res() reply: FastifyReply) {
    return this.forwarder.forward(request, reply, `/internal/v1/alerts/${fingerprint}/unack`);
  }

  @Post('assign')
  assign(@Param('fingerprint', FINGERPRINT) fingerprint: string, @Req() request: ForwardableRequest, @Res() reply: FastifyReply) {
    return this.forwarder.forward(request, reply, `/internal/v1/alerts/${fingerprint}/assign`);
  }
}
