import { zodIssuePaths } from '@airan/http';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { z } from 'zod';
import { Roles } from '@airan/auth';
import { FINGERPRINT } from '../params/path-param.pipe';
import { AlertReadRepository } from './alert-read.repository';
import { AlertsError } from './alerts.errors';
import { GetAlertHistoryUseCase } from './get-alert-history.use-case';

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
const label = z.string().max(128);

const listQuery = z
  .object({
    status: z.enum(['pending', 'firing', 'resolved', 'nodata']).optional(),
    operator: label.optional(),
    site: label.optional(),
    cell: label.optional(),
    severity: label.optional(),
    alertname: label.optional(),
    acknowledged: flag.optional(),
    assignee: label.optional(),
    silenced: flag.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

const historyQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    before: z.string().uuid().optional(),
  })
  .strict();

function parseQuery<S extends z.ZodTypeAny>(schema: S, raw: Record<string, string>): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new AlertsError('INVALID_QUERY', 'invalid query parameters', zodIssuePaths(parsed.error.issues, 'query'));
  return parsed.data;
}

@Controller('v1/alerts')
@Roles('ops', 'admin')
export class AlertsController {
  constructor(
    private readonly alerts: AlertReadRepository,
    private readonly history: GetAlertHistoryUseCase,
  ) {}

  /** Current alerts, newest evidence first, filtered by status, scope, labels and lifecycle. */
  @Get()
  async list(@Query() raw: Record<string, string>) {
    const { operator, site, cell, ...rest } = parseQuery(listQuery, raw);
    return { alerts: await this.alerts.list({ ...rest, operatorId: operator, siteId: site, cellId: cell }) };
  }

  /** Every change of one alert, oldest first; page back with `before`. */
  @Get(':fingerprint/history')
  alertHistory(@Param('fingerprint', FINGERPRINT) fingerprint: string, @Query() raw: Record<string, string>) {
    const { limit, before } = parseQuery(historyQuery, raw);
    return this.history.execute(fingerprint, limit, before);
  }
}
