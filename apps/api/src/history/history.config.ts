import { z } from 'zod';

/** The api's settings for history queries, exports and the dead-letter read model (spread into apiConfigSchema). */
export const historyEnv = {
  /** Consumer group of the dead-letter read model on `airan.telemetry.dlq.v1`. */
  API_DEAD_LETTERS_GROUP_ID: z.string().min(1).default('airan-api-dead-letters'),
  /**
   * Days a dead letter stays in `api.dead_letters`, by the time ingest received the record; the default
   * matches the topic's own retention (30 days), so the read model never outlives what tooling can replay.
   */
  API_DEAD_LETTER_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Exports streaming at once (each holds one Postgres connection and a snapshot); more are refused with 503. */
  API_EXPORT_MAX_CONCURRENT: z.coerce.number().int().min(1).max(64).default(4),
  /** An export whose client reads nothing for this long is ended, releasing its connection and snapshot. */
  API_EXPORT_STALL_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
};
