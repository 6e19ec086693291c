import { z } from 'zod';
import { API_KEY_PATTERN } from '@airan/auth';
import { commonEnv } from '@airan/config';

export const alertingConfigSchema = z.object({
  // One caller, the api's ops token, carries every person's forwarded ops commands.
  ...commonEnv(3003, 6000),
  ALERTING_GROUP_ID: z.string().min(1).default('airan-alerting'),
  /** Consumer group of the raw-sample evaluator (sample rules, last-seen times). */
  ALERTING_SAMPLES_GROUP_ID: z.string().min(1).default('airan-alerting-samples'),
  /** Webhook receivers, Alertmanager v4 bodies: `name=url,name=url`. */
  ALERTING_WEBHOOKS: z
    .string()
    .default('')
    .transform((raw, ctx) =>
      raw
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean)
        .map((entry) => {
          const [name, url] = [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)];
          if (!/^[A-Za-z0-9_-]+$/.test(name) || !/^https?:\/\/\S+$/.test(url)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${entry}" is not name=http(s)://url` });
          return { name, url };
        }),
    ),
  /** PagerDuty Events API v2; enabled when a routing key is set (kept in memory, never stored with the events). */
  ALERTING_PAGERDUTY_URL: z.string().url().default('https://events.pagerduty.com/v2/enqueue'),
  ALERTING_PAGERDUTY_ROUTING_KEY: z.string().min(1).optional(),
  /** An Alertmanager to push alerts to (`/api/v2/alerts` is appended). */
  ALERTING_ALERTMANAGER_URL: z.string().url().optional(),
  /** Where people open an alert: the api's address, as seen by receivers. */
  ALERTING_EXTERNAL_URL: z.string().url().default('http://127.0.0.1:3000'),
  /** The api's key for alerting's internal routes (rules, silences, acknowledgements): an `airan_<id>_<secret>` key. */
  ALERTING_OPS_TOKEN: z.string().regex(API_KEY_PATTERN, 'must be an airan API key (airan_<id>_<secret>)').optional(),
  /** Clock of absence rules and escalation. */
  ALERTING_TICK_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
  ALERTING_NOTIFY_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
  ALERTING_NOTIFY_MAX_BACKOFF_MS: z.coerce.number().int().min(100).default(60_000),
});

export type AlertingConfig = z.output<typeof alertingConfigSchema>;
