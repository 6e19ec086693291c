import { Kafka, logLevel, type LogEntry, type SASLOptions } from 'kafkajs';
import type { KafkaSasl } from '@airan/config';
import type { Logger } from '@airan/observability';

export interface KafkaSettings {
  readonly clientId: string;
  readonly brokers: readonly string[];
  readonly connectTimeoutMs: number;
  /** The principal on the broker's SASL listener; none for a broker without authentication. */
  readonly sasl?: KafkaSasl;
}

/** Raised when no broker answers at start-up; names the addresses tried. */
export class KafkaUnavailableError extends Error {
  constructor(brokers: readonly string[], cause: unknown) {
    super(`Kafka unreachable at ${brokers.join(',')} (KAFKA_BROKERS): ${(cause as Error).message || String(cause)}`);
    this.name = 'KafkaUnavailableError';
  }
}

const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * Protocol errors kafkajs logs at error level although they are expected and handled: it retries the
 * first three itself, and start-up provisioning polls through them and tolerates a topic another
 * service created first. The caller sees a real failure through the rejected call, so in the app's log
 * these are debug lines, not errors that page someone.
 */
const EXPECTED_RESPONSE_ERRORS = new Set([
  'This server is not the leader for that topic-partition',
  'This server does not host this topic-partition',
  'There is no leader for this topic-partition as we are in the middle of a leadership election',
  'Topic creation errors',
]);

/** The app log level of a kafkajs log entry. */
export function kafkaLogLevel(level: number, log: { message?: string; error?: unknown }): 'error' | 'warn' | 'info' | 'debug' {
  if (log.message?.startsWith('Response ') && typeof log.error === 'string' && EXPECTED_RESPONSE_ERRORS.has(log.error)) return 'debug';
  return levels[level] ?? 'info';
}

/**
 * The kafkajs client behind every producer and consumer. kafkajs stays inside this library so it
 * can be replaced; its log lines join the app's JSON log.
 */
export function createKafka(settings: KafkaSettings, logger: Logger): Kafka {
  return new Kafka({
    clientId: settings.clientId,
    brokers: [...settings.brokers],
    ...(settings.sasl ? { sasl: settings.sasl as SASLOptions } : {}),
    connectionTimeout: settings.connectTimeoutMs,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 100, retries: 8 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...rest } = log;
        logger[kafkaLogLevel(level, log)]({ kafka: rest }, message);
      },
  });
}
