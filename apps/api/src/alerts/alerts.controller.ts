import { Controller } from '@nestjs/common';
import { Input, type RouteInput } from '../params/route-input.pipe';
import { Route } from '../openapi/route.decorator';
import { ALERT_ROUTES } from './alerts.openapi';
import { GetAlertHistoryUseCase } from './get-alert-history.use-case';
import { ListAlertsUseCase } from './list-alerts.use-case';

/** The alerts read model (routes, schemas and documentation in alerts.openapi.ts). */
@Controller()
export class AlertsController {
  constructor(
    private readonly alerts: ListAlertsUseCase,
    private readonly history: GetAlertHistoryUseCase,
  ) {}

  @Route(ALERT_ROUTES.list)
  async list(@Input() { query }: RouteInput<typeof ALERT_ROUTES.list>) {
    const { operator, site, cell, limit, cursor, ...rest } = query;
    return this.alerts.execute({ ...rest, operatorId: operator, siteId: site, cellId: cell }, limit, cursor);
  }

  @Route(ALERT_ROUTES.history)
  alertHistory(@Input() { params, query }: RouteInput<typeof ALERT_ROUTES.history>) {
    return this.history.execute(params.fingerprint, query.limit, query.before);
  }
}
