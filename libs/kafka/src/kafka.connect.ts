import type { Kafka } from 'kafkajs';
import type { Logger } from '@airan/observability';
import { KafkaUnavailableError } from './kafka.client';
import { TopicDriftError } from './topic-drift';
import { ensureTopics } from './topic.provisioner';

/**
 * Start-up handshake: reach the cluster (failing fast with the broker address) and provision topics.
 * kafkajs retries for a long time on its own; this bounds it so a wrong address stops the app. An
 * existing topic that differs from its contract is logged; one whose cleanup policy differs stops the
 * app (TopicDriftError), since it would silently lose or keep the wrong data.
 */
export async function connectAndProvision(kafka: Kafka, brokers: readonly string[], prefix: string, replicationFactor: number, logger: Logger): Promise<void> {
  const admin = kafka.admin({ retry: { retries: 2, initialRetryTime: 200 } });
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch (error) {
    await admin.disconnect().catch(() => undefined);
    throw new KafkaUnavailableError(brokers, error);
  }
  try {
    const drift = await ensureTopics(admin, prefix, replicationFactor);
    for (const d of drift) logger.warn({ topic: d.topic, setting: d.setting, expected: d.expected, actual: d.actual }, 'topic differs from its contract');
    const breaking = drift.filter((d) => d.breaking);
    if (breaking.length > 0) throw new TopicDriftError(breaking);
  } finally {
    await admin.disconnect();
  }
}
