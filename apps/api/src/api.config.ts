import { z } from 'zod';
import { API_KEY_PATTERN } from '@airan/auth';
import { commonEnv } from '@airan/config';

export const apiConfigSchema = z.object({
  ...commonEnv(3000),
  API_GROUP_ID: z.string().min(1).default('airan-api'),
  /** Seed an empty registry with the demo pilots of SK Telecom, KT and LG U+. */
  API_SEED_DEMO_FLEET: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  /** The alerting service's internal API, which owns rules, silences and alert lifecycle; the api forwards to it. */
  API_ALERTING_URL: z.string().url().default('http://127.0.0.1:3003'),
  /** The key alerting expects on its internal API (the same value as alerting's). Unset: the forwarded endpoints answer 503. */
  ALERTING_OPS_TOKEN: z.string().regex(API_KEY_PATTERN, 'must be an airan API key (airan_<id>_<secret>)').optional(),
  API_ALERTING_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
  /** Comment lines on idle alert streams, so proxies and clients can tell a quiet stream from a dead one. */
  API_STREAM_HEARTBEAT_MS: z.coerce.number().int().min(100).default(15_000),
  /** Events an alert stream client may fall behind by before it is disconnected (it resumes with Last-Event-ID). */
  API_STREAM_MAX_QUEUED_EVENTS: z.coerce.number().int().min(1).default(1000),
});

export type ApiConfig = z.output<typeof apiConfigSchema>;
