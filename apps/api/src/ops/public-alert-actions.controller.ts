import { Controller, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Route } from '../openapi/route.decorator';
import { Input, type RouteInput } from '../params/route-input.pipe';
import { AlertingForwarder, type ForwardableRequest } from './alerting.forwarder';
import { OPS_ROUTES } from './ops.openapi';

/**
 * People acting on an alert: acknowledge (`{comment?}`), take the acknowledgement back, assign
 * (`{assignee}`). Alerting owns the lifecycle; each action comes back as an event on `airan.alerts.v1`.
 * And what alerting sent receivers about an alert (`GET .../notifications?limit=`), for its detail.
 */
@Controller()
export class PublicAlertActionsController {
  constructor(private readonly forwarder: AlertingForwarder) {}

  @Route(OPS_ROUTES.ack)
  ack(@Input() { params }: RouteInput<typeof OPS_ROUTES.ack>, @Req() request: ForwardableRequest, @Res() reply: FastifyReply) {
    return this.forwarder.forward(request, reply, `/internal/v1/alerts/${params.fingerprint}/ack`);
  }

  @Route(OPS_ROUTES.unack)
  unack(@Input() { params }: RouteInput<typeof OPS_ROUTES.unack>, @Req() request: ForwardableRequest, @Res() reply: FastifyReply) {
    return this.forwarder.forward(request, reply, `/internal/v1/alerts/${params.fingerprint}/unack`);
  }

  @Route(OPS_ROUTES.assign)
  assign(@Input() { params }: RouteInput<typeof OPS_ROUTES.assign>, @Req() request: ForwardableRequest, @Res() reply: FastifyReply) {
    return this.forwarder.forward(request, reply, `/internal/v1/alerts/${params.fingerprint}/assign`);
  }

  @Route(OPS_ROUTES.alertNotifications)
  notifications(@Input() { params }: RouteInput<typeof OPS_ROUTES.alertNotifications>, @Req() request: ForwardableRequest, @Res() reply: FastifyReply) {
    return this.forwarder.forward(request, reply, `/internal/v1/alerts/${params.fingerprint}/notifications`);
  }
}
