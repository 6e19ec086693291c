import { z } from 'zod';
import { API_KEY_PATTERN } from '@airan/auth';
import { commonEnv } from '@airan/config';
import { historyEnv } from './history/history.config';

export const apiConfigSchema = z.object({
  ...commonEnv(3000),
  ...historyEnv,
  API_GROUP_ID: z.string().min(1).default('airan-api'),
  /** Seed an empty registry with the demo pilots of SK Telecom, KT and LG U+. */
  API_SEED_DEMO_FLEET: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  /** The alerting service's internal API, which owns rules, silences and alert lifecycle; the api forwards to it. */
  API_ALERTING_URL: z.string().url().default('http://127.0.0.1:3003'),
  /** The key alerting expects on its internal API (the same value as alerting's). Unset: the forwarded endpoints answer 503. */
  ALERTING_OPS_TOKEN: z.string().regex(API_KEY_PATTERN, 'must be an airan API key (airan_<id>_<secret>)').optional(),
  API_ALERTING_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
  /** Heartbeats on idle live streams, so proxies and clients can tell a quiet stream from a dead one. */
  API_STREAM_HEARTBEAT_MS: z.coerce.number().int().min(100).default(15_000),
  /** Bytes a live stream client may leave untaken before it is cut, with the position to resume from. */
  API_STREAM_MAX_BUFFERED_BYTES: z.coerce.number().int().min(16 * 1024).default(1024 * 1024),
  /** How long a cut client has to take its last events and the resume marker before its connection is dropped. */
  API_STREAM_CUT_GRACE_MS: z.coerce.number().int().min(100).default(30_000),
  /** Open live streams per API key on one api instance (beyond: 429 TOO_MANY_STREAMS). */
  API_STREAM_MAX_PER_KEY: z.coerce.number().int().min(1).default(8),
  /** The authenticated listener partners are told to connect to (host:port[,…]); unset, KAFKA_BROKERS. */
  API_PARTNER_KAFKA_BOOTSTRAP: z.string().regex(/^[A-Za-z0-9.-]+:\d{1,5}(,[A-Za-z0-9.-]+:\d{1,5})*$/, 'expected a comma-separated host:port list').optional(),
});

export type ApiConfig = z.output<typeof apiConfigSchema>;
