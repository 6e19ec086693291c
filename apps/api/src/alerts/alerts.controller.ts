import { zodIssuePaths } from '@airan/http';
import { Controller, Get, Query } from '@nestjs/common';
import { z } from 'zod';
import { Roles } from '@airan/auth';
import { AlertReadRepository } from './alert-read.repository';
import { AlertsError } from './alerts.errors';

const listQuery = z
  .object({
    status: z.enum(['pending', 'firing', 'resolved']).optional(),
    operator: z.string().max(128).optional(),
    site: z.string().max(128).optional(),
    cell: z.string().max(128).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

@Controller('v1/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertReadRepository) {}

  /** Current alerts, newest evidence first, filtered by status and scope. */
  @Get()
  @Roles('ops', 'admin')
  async list(@Query() raw: Record<string, string>) {
    const parsed = listQuery.safeParse(raw);
    if (!parsed.success) {
      throw new AlertsError('INVALID_QUERY', 'invalid query parameters', zodIssuePaths(parsed.error.issues, 'query'));
    }
    const { status, operator, site, cell, limit } = parsed.data;
    return { alerts: await this.alerts.list({ status, operatorId: operator, siteId: site, cellId: cell, limit }) };
  }
}
