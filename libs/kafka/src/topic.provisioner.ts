import { type Admin, ConfigResourceTypes } from 'kafkajs';
import { TOPICS, type TopicSpec } from '@airan/contracts';
import { type DeployedTopic, type TopicDrift, topicDrift } from './topic-drift';

/**
 * Creates the topics airan needs (with their partitions, retention and cleanup policy) when they
 * do not exist, and reports how the existing ones differ from their contract. Idempotent; every
 * service runs it at start-up, so no broker ever auto-creates one.
 */
export async function ensureTopics(admin: Admin, prefix: string, replicationFactor: number, specs: readonly TopicSpec[] = Object.values(TOPICS)): Promise<TopicDrift[]> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((spec) => !existing.has(prefix + spec.name));
  if (missing.length > 0) {
    try {
      await createMissing(admin, prefix, replicationFactor, missing);
    } catch (error) {
      // Several services provision at once: losing that race is fine as long as every topic now exists.
      const now = new Set(await admin.listTopics());
      if (!missing.every((spec) => now.has(prefix + spec.name))) throw error;
    }
  }
  await waitForLeaders(admin, specs.map((spec) => prefix + spec.name));
  const deployed = await describeTopics(admin, specs.map((spec) => prefix + spec.name));
  return specs.flatMap((spec) => topicDrift(prefix + spec.name, spec, deployed.get(prefix + spec.name)!));
}

/** Partitions, retention and cleanup policy of each topic as the broker has them. */
async function describeTopics(admin: Admin, topics: string[]): Promise<Map<string, DeployedTopic>> {
  const metadata = await admin.fetchTopicMetadata({ topics });
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['retention.ms', 'cleanup.policy'] })),
  });
  return new Map(
    topics.map((name) => {
      const config = new Map(resources.find((r) => r.resourceName === name)?.configEntries.map((e) => [e.configName, e.configValue]));
      const partitions = metadata.topics.find((t) => t.name === name)?.partitions.length ?? 0;
      return [name, { partitions, retentionMs: Number(config.get('retention.ms')), cleanupPolicy: config.get('cleanup.policy') as TopicSpec['cleanupPolicy'] }];
    }),
  );
}

/**
 * A topic that has just been created is not usable at once: for a moment the broker's metadata may not
 * list it (UNKNOWN_TOPIC_OR_PARTITION), then lists leaders before the partitions are loaded ("This
 * server does not host this topic-partition" on ListOffsets). kafkajs' own `waitForLeaders` retries only
 * LEADER_NOT_AVAILABLE, so start-up waits here (bounded) until every partition has a leader and answers
 * an offsets request: no service starts on a topic it cannot use.
 */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await servable(admin, topics)) return;
    if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')} have no partition leaders after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function createMissing(admin: Admin, prefix: string, replicationFactor: number, missing: readonly TopicSpec[]): Promise<void> {
  await admin.createTopics({
    waitForLeaders: false,
    topics: missing.map((spec) => ({
      topic: prefix + spec.name,
      numPartitions: spec.partitions,
      replicationFactor,
      configEntries: [
        { name: 'cleanup.policy', value: spec.cleanupPolicy },
        { name: 'retention.ms', value: String(spec.retentionMs) },
      ],
    })),
  });
}

async function servable(admin: Admin, topics: string[]): Promise<boolean> {
  try {
    const metadata = await admin.fetchTopicMetadata({ topics });
    if (!metadata.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return false;
    await Promise.all(topics.map((topic) => admin.fetchTopicOffsets(topic)));
    return true;
  } catch {
    return false;
  }
}
