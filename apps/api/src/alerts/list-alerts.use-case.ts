import { Injectable } from '@nestjs/common';
import type { AlertEvent } from '@airan/contracts';
import { type AlertFilters, AlertReadRepository } from './alert-read.repository';
import { alertListBinding, decodeAlertCursor, encodeAlertCursor } from './alerts.cursor';

export interface AlertListPage {
  /** Newest evidence first (event time, then fingerprint, both descending). */
  readonly alerts: AlertEvent[];
  /** The `cursor` of the next page; null when this one is the last. */
  readonly nextCursor: string | null;
}

/**
 * Current alerts a page at a time (keyset: a page starts strictly after the last alert of the one
 * before). An alert that changes while a client pages moves to the front, so it can be missed or
 * seen twice by the listing; the alert stream, opened before the listing, carries that change.
 */
@Injectable()
export class ListAlertsUseCase {
  constructor(private readonly alerts: AlertReadRepository) {}

  async execute(filters: AlertFilters, limit: number, cursor?: string): Promise<AlertListPage> {
    const binding = alertListBinding({ ...filters });
    const after = cursor === undefined ? undefined : decodeAlertCursor(cursor, binding);
    const rows = await this.alerts.list(filters, limit + 1, after);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return { alerts: page, nextCursor: rows.length > limit && last ? encodeAlertCursor({ evaluatedAt: last.evaluatedAt, fingerprint: last.fingerprint }, binding) : null };
  }
}
