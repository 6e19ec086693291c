import { Controller, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Route } from '../openapi/route.decorator';
import { Input, type RouteInput } from '../params/route-input.pipe';
import { AlertingForwarder, type ForwardableRequest } from './alerting.forwarder';
import { OPS_ROUTES } from './ops.openapi';

/** Silences, owned by alerting; the caller is recorded as their creator. */
@Controller()
export class PublicSilencesController {
  constructor(private readonly forwarder: AlertingForwarder) {}

  @Route(OPS_ROUTES.listSilences)
  list(@Req() request: ForwardableRequest, @Res() reply: FastifyReply) {
    return this.forwarder.forward(request, reply, '/internal/v1/silences');
  }

  @Route(OPS_ROUTES.createSilence)
  create(@Req() request: ForwardableRequest, @Res() reply: FastifyReply) {
    return this.forwarder.forward(request, reply, '/internal/v1/silences');
  }

  @Route(OPS_ROUTES.expireSilence)
  expire(@Input() { params }: RouteInput<typeof OPS_ROUTES.expireSilence>, @Req() request: ForwardableRequest, @Res() reply: FastifyReply) {
    return this.forwarder.forward(request, reply, `/internal/v1/silences/${params.id}`);
  }
}
