import { Controller, Get, Param, Query } from '@nestjs/common';
import { Roles } from '@airan/auth';
import { ListAlertNotificationsUseCase } from './list-alert-notifications.use-case';

/** The notifications sent for an alert, newest first (internal: the api forwards with the ops token). */
@Controller('internal/v1/alerts/:fingerprint/notifications')
@Roles('admin')
export class InternalAlertNotificationsController {
  constructor(private readonly list: ListAlertNotificationsUseCase) {}

  @Get()
  get(@Param('fingerprint') fingerprint: string, @Query() query: Record<string, unknown>) {
    return this.list.execute(fingerprint, query);
  }
}
