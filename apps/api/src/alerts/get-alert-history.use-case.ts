import { Injectable } from '@nestjs/common';
import type { AlertEvent } from '@airan/contracts';
import { AlertReadRepository } from './alert-read.repository';
import { AlertsError } from './alerts.errors';

export interface HistoryPage {
  /** Oldest first, by event time (events of the same time in the order they were recorded). */
  readonly events: AlertEvent[];
  /** The `before` of the next older page; null when there is none. */
  readonly next: string | null;
}

/** `GET /v1/alerts/<fingerprint>/history`: every change of one alert, the latest `limit` before a cursor. */
@Injectable()
export class GetAlertHistoryUseCase {
  constructor(private readonly alerts: AlertReadRepository) {}

  async execute(fingerprint: string, limit: number, before?: string): Promise<HistoryPage> {
    if (before !== undefined && (await this.alerts.position(before))?.fingerprint !== fingerprint) {
      throw new AlertsError('INVALID_QUERY', 'invalid query parameters', [{ path: 'query.before', code: 'INVALID_VALUE', message: `no event ${before} of alert ${fingerprint}` }]);
    }
    // One more than asked tells whether an older page exists.
    const newestFirst = await this.alerts.history(fingerprint, limit + 1, before);
    if (newestFirst.length === 0 && before === undefined) throw new AlertsError('ALERT_NOT_FOUND', `no alert ${fingerprint}`);
    const events = newestFirst.slice(0, limit).reverse();
    return { events, next: newestFirst.length > limit ? events[0].id : null };
  }
}
