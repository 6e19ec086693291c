import { z } from 'zod';

/**
 * Bodies of the ops requests on alerts and silences. Alerting validates them; the api forwards them as
 * they are and documents them from these same schemas, so the two cannot disagree.
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
