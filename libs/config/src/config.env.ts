import { z } from 'zod';

/** Variables shared by every airan app; each app extends this with its own. */

const hostPort = /^[A-Za-z0-9.-]+:\d{1,5}$/;

export const kafkaEnv = {
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean))
    .refine((list) => list.length > 0 && list.every((b) => hostPort.test(b)), 'expected a comma-separated host:port list'),
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/, 'letters, digits, dot, underscore, dash').default(''),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).default(1),
  KAFKA_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
};

export const databaseEnv = {
  DATABASE_URL: z
    .string()
    .default('postgres://postgres@127.0.0.1:5432/airan')
    .refine((url) => /^postgres(ql)?:\/\/[^/]+\/[A-Za-z0-9_]+$/.test(url), 'expected postgres://user[:password]@host:port/database'),
};

export const httpEnv = (defaultPort: number, defaultRateLimitMax: number) => ({
  HTTP_HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(defaultPort),
  /** Requests per RATE_LIMIT_WINDOW_MS per API key (per client address without a valid key); 429 beyond. */
  RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(defaultRateLimitMax),
  RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(100).default(60_000),
});

export const logEnv = {
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
};

/** `defaultRateLimitMax`: the app's RATE_LIMIT_MAX unless set; ingest's telemetry routes and alerting's one caller need more than people do. */
export const commonEnv = (defaultPort: number, defaultRateLimitMax = 600) => ({ ...kafkaEnv, ...databaseEnv, ...httpEnv(defaultPort, defaultRateLimitMax), ...logEnv });

/** Derived settings every app needs, from the parsed environment. */
export interface CommonConfig {
  readonly KAFKA_BROKERS: string[];
  readonly KAFKA_TOPIC_PREFIX: string;
  readonly KAFKA_REPLICATION_FACTOR: number;
  readonly KAFKA_CONNECT_TIMEOUT_MS: number;
  readonly DATABASE_URL: string;
  readonly HTTP_HOST: string;
  readonly PORT: number;
  readonly RATE_LIMIT_MAX: number;
  readonly RATE_LIMIT_WINDOW_MS: number;
  readonly LOG_LEVEL: string;
  readonly OTEL_EXPORTER_OTLP_ENDPOINT?: string;
}
