import type { Admin } from 'kafkajs';
import { TOPICS, type TopicSpec } from '@airan/contracts';

/**
 * Creates the topics airan needs (with their partitions, retention and cleanup policy) when they
 * do not exist. Idempotent; every service runs it at start-up, so no broker ever auto-creates one.
 */
export async function ensureTopics(admin: Admin, prefix: string, replicationFactor: number, specs: readonly TopicSpec[] = Object.values(TOPICS)): Promise<void> {
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
}

/**
 * A topic another service has just created may not have partition leaders yet; requests to it fail
 * with NOT_LEADER until it does. Start-up waits for them (bounded), so no service starts on a topic it
 * cannot use.
 */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const metadata = await admin.fetchTopicMetadata({ topics }).catch(() => undefined);
    const ready = metadata?.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')} have no partition leaders after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function createMissing(admin: Admin, prefix: string, replicationFactor: number, missing: readonly TopicSpec[]): Promise<void> {
  await admin.createTopics({
    waitForLeaders: true,
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
