import { type Admin, ConfigResourceTypes, type ITopicMetadata } from 'kafkajs';
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
  const topics = specs.map((spec) => prefix + spec.name);
  const partitions = await waitForLeaders(admin, topics);
  const deployed = await describeTopics(admin, topics, partitions);
  return specs.flatMap((spec) => topicDrift(prefix + spec.name, spec, deployed.get(prefix + spec.name)!));
}

/** Partitions (as waitForLeaders found them), retention and cleanup policy of each topic as the broker has them. */
async function describeTopics(admin: Admin, topics: string[], partitionCounts: ReadonlyMap<string, number>): Promise<Map<string, DeployedTopic>> {
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['retention.ms', 'cleanup.policy'] })),
  });
  return new Map(
    topics.map((name) => {
      const config = new Map(resources.find((r) => r.resourceName === name)?.configEntries.map((e) => [e.configName, e.configValue]));
      const partitions = partitionCounts.get(name) ?? 0;
      return [name, { partitions, retentionMs: Number(config.get('retention.ms')), cleanupPolicy: config.get('cleanup.policy') as TopicSpec['cleanupPolicy'] }];
    }),
  );
}

/**
 * A topic that has just been created is not usable at once: for a moment the broker's metadata may not
 * list it (UNKNOWN_TOPIC_OR_PARTITION), then lists leaders before the partitions are loaded ("This
 * server does not host this topic-partition" on ListOffsets). kafkajs' own `waitForLeaders` retries only
 * LEADER_NOT_AVAILABLE, so start-up waits here (bounded) until every partition has a leader and answers
 * an offsets request: no service starts on a topic it cannot use. Returns each topic's partition count
 * from the metadata that showed them servable.
 */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<Map<string, number>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const metadata = await servable(admin, topics);
    if (metadata) return new Map(metadata.map((t) => [t.name, t.partitions.length]));
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

/** The topics' metadata (one entry per topic) once every partition has a leader and answers an offsets request; else undefined. */
async function servable(admin: Admin, topics: string[]): Promise<ITopicMetadata[] | undefined> {
  try {
    const metadata = await admin.fetchTopicMetadata({ topics });
    if (!metadata.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return undefined;
    await Promise.all(topics.map((topic) => admin.fetchTopicOffsets(topic)));
    return metadata.topics;
  } catch {
    return undefined;
  }
}
