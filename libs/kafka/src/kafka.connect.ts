import type { Kafka } from 'kafkajs';
import { KafkaUnavailableError } from './kafka.client';
import { ensureTopics } from './topic.provisioner';

/**
 * Start-up handshake: reach the cluster (failing fast with the broker address) and provision topics.
 * kafkajs retries for a long time on its own; this bounds it so a wrong address stops the app.
 */
export async function connectAndProvision(kafka: Kafka, brokers: readonly string[], prefix: string, replicationFactor: number): Promise<void> {
  const admin = kafka.admin({ retry: { retries: 2, initialRetryTime: 200 } });
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch (error) {
    await admin.disconnect().catch(() => undefined);
    throw new KafkaUnavailableError(brokers, error);
  }
  try {
    await ensureTopics(admin, prefix, replicationFactor);
  } finally {
    await admin.disconnect();
  }
}
