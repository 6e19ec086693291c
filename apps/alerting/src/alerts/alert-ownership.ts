import { type AlertChangeKind, type AlertEvent, stableEventId } from '@airan/contracts';
import type { AlertInstance } from './alert.repository';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * The event announcing what people (or escalation) did to an alert: its last state event with the
 * new ownership. `evaluatedAt` stays that of the evidence, so readers keep ordering by event time.
 */
export function ownershipEvent(instance: AlertInstance, change: Exclude<AlertChangeKind, 'state'>, at: number): AlertEvent {
  const last = instance.lastEvent!;
  const { ackBy, ackAt, ackComment, assignee, escalatedAt } = instance.ownership;
  return {
    ...last,
    id: stableEventId('alert', instance.fingerprint, change, at, ackBy ?? '', assignee ?? ''),
    change,
    acknowledgement: ackBy === null ? null : { by: ackBy, at: iso(ackAt)!, comment: ackComment ?? '' },
    assignee,
    escalatedAt: iso(escalatedAt),
    annotations: change === 'escalated' ? { ...last.annotations, escalation: `not acknowledged since ${last.startsAt}` } : last.annotations,
  };
}
