import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { Logger } from '@airan/observability';

export interface KafkaSettings {
  readonly clientId: string;
  readonly brokers: readonly string[];
  readonly connectTimeoutMs: number;
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
 * The kafkajs client behind every producer and consumer. kafkajs stays inside this library so it
 * can be replaced; its log lines join the app's JSON log.
 */
export function createKafka(settings: KafkaSettings, logger: Logger): Kafka {
  return new Kafka({
    clientId: settings.clientId,
    brokers: [...settings.brokers],
    connectionTimeout: settings.connectTimeoutMs,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 100, retries: 8 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...rest } = log;
        logger[levels[level] ?? 'info']({ kafka: rest }, message);
      },
  });
}
