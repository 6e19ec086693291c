import { Controller, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Route } from '../openapi/route.decorator';
import { Input, type RouteInput } from '../params/route-input.pipe';
import { AlertingForwarder, type ForwardableRequest } from './alerting.forwarder';
import { OPS_ROUTES } from './ops.openapi';

/** Alert rules, owned by alerting: JSON one by one, or the whole set as YAML (export, import with `?replace=true`). */
@Controller()
export class PublicRulesController {
  constructor(private readonly forwarder: AlertingForwarder) {}

  @Route(OPS_ROUTES.listRules)
  list(@Req() request: ForwardableRequest, @Res() reply: FastifyReply) {
    return this.forwarder.forward(request, reply, '/internal/v1/rules');
  }

  @Route(OPS_ROUTES.exportRules)
  exportYaml(@Req() request: ForwardableRequest, @Res() reply: FastifyReply) {
    return this.forwarder.forward(request, reply, '/internal/v1/rules/export');
  }

  @Route(OPS_ROUTES.importRules)
  importYaml(@Req() request: ForwardableRequest, @Res() reply: FastifyReply) {
    return this.forwarder.forward(request, reply, '/internal/v1/rules/import');
  }

  @Route(OPS_ROUTES.getRule)
  get(@Input() { params }: RouteInput<typeof OPS_ROUTES.getRule>, @Req() request: ForwardableRequest, @Res() reply: FastifyReply) {
    return this.forwarder.forward(request, reply, `/internal/v1/rules/${params.id}`);
  }

  @Route(OPS_ROUTES.putRule)
  put(@Input() { params }: RouteInput<typeof OPS_ROUTES.putRule>, @Req() request: ForwardableRequest, @Res() reply: FastifyReply) {
    return this.forwarder.forward(request, reply, `/internal/v1/rules/${params.id}`);
  }

  @Route(OPS_ROUTES.deleteRule)
  remove(@Input() { params }: RouteInput<typeof OPS_ROUTES.deleteRule>, @Req() request: ForwardableRequest, @Res() reply: FastifyReply) {
    return this.forwarder.forward(request, reply, `/internal/v1/rules/${params.id}`);
  }
}
