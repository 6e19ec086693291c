import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type AlertEvent, stableEventId } from '@airan/contracts';
import { AlertRepository } from '../alerts/alert.repository';
import { NotificationRepository } from './notification.repository';
import type { Receiver } from './receivers';

export const RECEIVERS = Symbol('RECEIVERS');

export interface NotifiableChange {
  readonly event: AlertEvent;
  readonly groupKey: string;
  readonly groupBy: readonly string[];
}

/**
 * Turns alert changes into queued notifications in the caller's transaction: each receiver that hears
 * a change gets one body listing the change and the other firing alerts of its group (as Alertmanager
 * does), with a stable id so a replayed change never queues twice.
 */
@Injectable()
export class AlertNotifier {
  constructor(
    private readonly alerts: AlertRepository,
    private readonly notifications: NotificationRepository,
    @Inject(RECEIVERS) private readonly receivers: Receiver[],
  ) {}

  /** Call after this transaction's instances were saved, so groups are read as they now stand. */
  async notify(tx: EntityManager, changes: readonly NotifiableChange[]): Promise<void> {
    if (changes.length === 0 || this.receivers.length === 0) return;
    const groups = new Map<string, AlertEvent[]>();
    for (const { groupKey, event } of await this.alerts.notifiedInGroups(tx, [...new Set(changes.map((c) => c.groupKey))])) {
      groups.set(groupKey, [...(groups.get(groupKey) ?? []), event]);
    }
    await this.notifications.enqueue(
      tx,
      changes.flatMap(({ event, groupKey, groupBy }) => {
        const others = (groups.get(groupKey) ?? []).filter((member) => member.fingerprint !== event.fingerprint);
        return this.receivers
          .filter((r) => r.hears(event))
          .map((r) => ({
            id: stableEventId('notify', r.name, event.id),
            receiver: r.name,
            kind: r.kind,
            url: r.url,
            fingerprint: event.fingerprint,
            status: event.change === 'state' ? event.status : event.change,
            body: r.body(event, others, groupBy),
          }));
      }),
    );
  }
}
