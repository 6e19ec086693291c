import { send } from '../api/api-client';
import type { AlertEvent } from '../api/types';
import { createMatcher, formatMatcher } from './alert-labels';

/** The ops actions on an alert; each answer is the alert event announcing the change (it also comes on the stream). */
const path = (fingerprint: string, action: string) => `/v1/alerts/${encodeURIComponent(fingerprint)}/${action}`;

export const acknowledge = (fingerprint: string, comment: string) => send<AlertEvent>('POST', path(fingerprint, 'ack'), comment ? { comment } : {});
export const unacknowledge = (fingerprint: string) => send<AlertEvent>('POST', path(fingerprint, 'unack'));
export const assign = (fingerprint: string, assignee: string | null) => send<AlertEvent>('POST', path(fingerprint, 'assign'), { assignee });

/** Matchers that pick exactly this alert's rule and scope, for a silence made from it. */
export function silenceMatchersFor(alert: AlertEvent): string[] {
  return ['alertname', 'operator', 'site', 'cell'].filter((name) => alert.labels[name]).map((name) => formatMatcher(createMatcher(name, '=', alert.labels[name])));
}
