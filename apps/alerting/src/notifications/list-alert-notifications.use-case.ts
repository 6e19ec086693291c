import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { alertFingerprintSchema } from '@airan/contracts';
import { INFRA, type ServiceInfra, zodIssuePaths } from '@airan/http';
import { type AlertNotification, alertNotificationsQuerySchema } from '@airan/rule-engine';
import { AlertRepository } from '../alerts/alert.repository';
import { AlertingError } from '../alerting.errors';
import { NotificationRepository } from './notification.repository';

const paramsSchema = z.object({ fingerprint: alertFingerprintSchema }).strict();

/** What was sent about one alert, to whom, and how delivery went: for people reading the alert's detail. */
@Injectable()
export class ListAlertNotificationsUseCase {
  constructor(
    @Inject(INFRA) private readonly infra: ServiceInfra,
    private readonly alerts: AlertRepository,
    private readonly notifications: NotificationRepository,
  ) {}

  /** `query` as received; a bad fingerprint or query is INVALID_NOTIFICATIONS_REQUEST naming each field (`path.fingerprint`, `query.limit`). */
  async execute(fingerprint: string, query: unknown): Promise<{ notifications: AlertNotification[] }> {
    const params = paramsSchema.safeParse({ fingerprint });
    if (!params.success) throw new AlertingError('INVALID_NOTIFICATIONS_REQUEST', 'invalid path parameters', zodIssuePaths(params.error.issues, 'path'));
    const parsed = alertNotificationsQuerySchema.safeParse(query ?? {});
    if (!parsed.success) throw new AlertingError('INVALID_NOTIFICATIONS_REQUEST', 'invalid query parameters', zodIssuePaths(parsed.error.issues, 'query'));
    const db = this.infra.dataSource.manager;
    const notifications = await this.notifications.listOfAlert(db, fingerprint, parsed.data.limit);
    // Notifications outlive their instance when its rule is deleted: an alert with any is known.
    if (notifications.length === 0 && !(await this.alerts.exists(db, fingerprint))) throw new AlertingError('ALERT_NOT_FOUND', `no alert has fingerprint ${fingerprint}`);
    return { notifications };
  }
}
