import { z } from 'zod';
import { ConfigError } from './config.loader';

/** Variables shared by every airan app; each app extends this with its own. */

const hostPort = /^[A-Za-z0-9.-]+:\d{1,5}$/;

// Set but empty counts as unset, so an app can be told to do without it even where its parent's env has it (compose passes unset variables as empty).
const optionalString = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());

export const kafkaEnv = {
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean))
    .refine((list) => list.length > 0 && list.every((b) => hostPort.test(b)), 'expected a comma-separated host:port list'),
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/, 'letters, digits, dot, underscore, dash').default(''),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).default(1),
  KAFKA_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
  /** The internal principal on the broker's SASL listener (deploy/local/kafka.sh gives PLAIN); unset, the app connects without SASL. */
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-512', 'scram-sha-256']).default('scram-sha-512'),
  KAFKA_SASL_USERNAME: optionalString,
  KAFKA_SASL_PASSWORD: optionalString,
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
  /** PEM files the app serves HTTPS with instead of HTTP: both or neither (see httpsCredentialsOf). */
  HTTPS_CERT_FILE: optionalString,
  HTTPS_KEY_FILE: optionalString,
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
  readonly KAFKA_SASL_MECHANISM: 'plain' | 'scram-sha-512' | 'scram-sha-256';
  readonly KAFKA_SASL_USERNAME?: string;
  readonly KAFKA_SASL_PASSWORD?: string;
  readonly DATABASE_URL: string;
  readonly HTTP_HOST: string;
  readonly PORT: number;
  readonly RATE_LIMIT_MAX: number;
  readonly RATE_LIMIT_WINDOW_MS: number;
  readonly HTTPS_CERT_FILE?: string;
  readonly HTTPS_KEY_FILE?: string;
  readonly LOG_LEVEL: string;
  readonly OTEL_EXPORTER_OTLP_ENDPOINT?: string;
}

/** SASL credentials of a Kafka client, as kafkajs takes them. */
export interface KafkaSasl {
  readonly mechanism: 'plain' | 'scram-sha-512' | 'scram-sha-256';
  readonly username: string;
  readonly password: string;
}

/**
 * The SASL settings the KAFKA_SASL_* variables give: none when neither user nor password is set, a
 * ConfigError when only one is (a half-configured principal would fail later, at the broker, less clearly).
 */
export function kafkaSaslOf(config: Pick<CommonConfig, 'KAFKA_SASL_MECHANISM' | 'KAFKA_SASL_USERNAME' | 'KAFKA_SASL_PASSWORD'>): KafkaSasl | undefined {
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = config;
  if (username === undefined && password === undefined) return undefined;
  if (username === undefined || password === undefined) {
    throw new ConfigError([`${username === undefined ? 'KAFKA_SASL_USERNAME' : 'KAFKA_SASL_PASSWORD'} is missing: KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are set together`]);
  }
  return { mechanism, username, password };
}
