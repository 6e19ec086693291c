import { z } from 'zod';
import { commonEnv } from '@airan/config';
import type { TimeBounds } from '@airan/telemetry-formats';

export const ingestConfigSchema = z.object({
  // Sites post every few seconds, many sites per operator key: ten times the budget of a person's key.
  ...commonEnv(3001, 6000),
  /** Records per request, across formats. */
  INGEST_MAX_RECORDS: z.coerce.number().int().min(1).default(5000),
  INGEST_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(5 * 1024 * 1024),
  /** How far ahead of the server clock a sample may be stamped. */
  INGEST_MAX_FUTURE_MS: z.coerce.number().int().min(0).default(5 * 60_000),
  /** How old a sample may be. */
  INGEST_MAX_AGE_MS: z.coerce.number().int().min(0).default(7 * 24 * 3_600_000),
  /** Records held in memory awaiting Kafka acknowledgement, across requests; beyond it 503 + Retry-After. */
  INGEST_MAX_INFLIGHT_RECORDS: z.coerce.number().int().min(1).default(200_000),
  /** Upper bound on waiting for Kafka before answering 503. */
  INGEST_KAFKA_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
  /** Days an unknown cell or node name stays listed after a site last reported it. */
  INGEST_UNKNOWN_IDENTIFIER_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
});

export type IngestConfig = z.output<typeof ingestConfigSchema>;

/** The accepted range of sample timestamps around the server clock (INGEST_MAX_FUTURE_MS, INGEST_MAX_AGE_MS). */
export const timeBounds = (config: IngestConfig, now: number): TimeBounds => ({ now, maxFutureMs: config.INGEST_MAX_FUTURE_MS, maxAgeMs: config.INGEST_MAX_AGE_MS });
