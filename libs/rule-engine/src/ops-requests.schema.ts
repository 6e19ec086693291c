import { z } from 'zod';
import { ALERT_CHANGE_KINDS, ALERT_STATUSES, isoInstant } from '@airan/contracts';

/**
 * Bodies and queries of the ops requests on alerts and silences, and the answers alerting builds for
 * them. Alerting validates the requests; the api validates or forwards them as they are and documents
 * them from these same schemas, so the two cannot disagree.
 */

/** `POST .../alerts/<fingerprint>/ack`: an optional comment. */
export const acknowledgeRequestSchema = z.object({ comment: z.string().max(2000).default('') }).strict();

/** `POST .../alerts/<fingerprint>/assign`: someone, or null to unassign. */
export const assignRequestSchema = z.object({ assignee: z.string().trim().min(1).max(200).nullable() }).strict();

/** A silence matcher: text (`site="kt-1"`) or an object; both are checked as text afterwards. */
export const silenceMatcherSchema = z.union([
  z.string().min(1).max(512),
  z.object({ name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), op: z.enum(['=', '!=', '=~', '!~']), value: z.string().max(512) }).strict(),
]);

/** `POST .../silences`; the caller becomes its creator. */
export const silenceRequestSchema = z
  .object({
    matchers: z.array(silenceMatcherSchema).min(1).max(32),
    startsAt: z.string().datetime({ offset: true }).optional(),
    endsAt: z.string().datetime({ offset: true }).describe('after startsAt and now, at most 90 days after startsAt'),
    comment: z.string().trim().min(1).max(2000),
    endsOnResolve: z.boolean().default(false).describe('end the silence when the alerts it mutes resolve'),
  })
  .strict();

/** `GET .../alerts/<fingerprint>/notifications`: how many of the newest notifications. */
export const alertNotificationsQuerySchema = z
  .object({ limit: z.coerce.number().int().min(1).max(200).default(50).describe('the newest `limit` notifications (1–200)') })
  .strict();

/**
 * One notification queued for a receiver about an alert, and how its delivery went. Never its URL nor
 * its body: a webhook URL can hold a secret.
 */
export const alertNotificationSchema = z
  .object({
    id: z.string().uuid(),
    receiver: z.string().describe('the receiver\'s configured name (`ALERTING_WEBHOOKS` name, `pagerduty`, `alertmanager`)'),
    kind: z.enum(['webhook', 'pagerduty', 'alertmanager']),
    status: z
      .enum([...ALERT_STATUSES, ...ALERT_CHANGE_KINDS.filter((kind) => kind !== 'state')] as [string, ...string[]])
      .describe('what it announced: the alert status of a state change, else the kind of change (`acknowledged`, `escalated`, `unmuted`, ...)'),
    createdAt: isoInstant.describe('when it was queued (the time of the transaction that made the change)'),
    deliveredAt: isoInstant.nullable().describe('when the receiver accepted it (2xx); null until then'),
    failedAt: isoInstant.nullable().describe('when delivery was given up (a 4xx answer other than 429 is not retried); null otherwise'),
    attempts: z.number().int().min(0).describe('delivery attempts so far, the successful one included'),
    lastError: z.string().nullable().describe('why the last attempt failed (`HTTP 500`, a network error); null once delivered'),
  })
  .strict();
export type AlertNotification = z.infer<typeof alertNotificationSchema>;
