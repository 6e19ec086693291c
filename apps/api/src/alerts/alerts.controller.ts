import { Controller } from '@nestjs/common';
import { Input, type RouteInput } from '../params/route-input.pipe';
import { Route } from '../openapi/route.decorator';
import { AlertReadRepository } from './alert-read.repository';
import { ALERT_ROUTES } from './alerts.openapi';
import { GetAlertHistoryUseCase } from './get-alert-history.use-case';

/** The alerts read model (routes, schemas and documentation in alerts.openapi.ts). */
@Controller()
export class AlertsController {
  constructor(
    private readonly alerts: AlertReadRepository,
    private readonly history: GetAlertHistoryUseCase,
  ) {}

  @Route(ALERT_ROUTES.list)
  async list(@Input() { query }: RouteInput<typeof ALERT_ROUTES.list>) {
    const { operator, site, cell, ...rest } = query;
    return { alerts: await this.alerts.list({ ...rest, operatorId: operator, siteId: site, cellId: cell }) };
  }

  @Route(ALERT_ROUTES.history)
  alertHistory(@Input() { params, query }: RouteInput<typeof ALERT_ROUTES.history>) {
    return this.history.execute(params.fingerprint, query.limit, query.before);
  }
}
