import { Kafka, logLevel } from 'kafkajs';

/**
 * The internal principal on the local broker's SASL listener, from the KAFKA_SASL_* variables global-setup
 * takes from deploy/local/kafka.sh (the services read the same ones); none where the broker has no SASL.
 */
export function internalSasl(env: NodeJS.ProcessEnv = process.env): { mechanism: 'plain'; username: string; password: string } | undefined {
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = env;
  if (!username || !password) return undefined;
  return { mechanism: (mechanism ?? 'plain') as 'plain', username, password };
}

/** A kafkajs client of the tests' own, as the internal principal. */
export function testKafka(clientId: string, brokers: readonly string[] = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',')): Kafka {
  const sasl = internalSasl();
  return new Kafka({ clientId, brokers: [...brokers], logLevel: logLevel.NOTHING, ...(sasl ? { sasl } : {}) });
}
