import { TOPICS } from '@airan/contracts';
import { TopicDriftError, topicDrift } from './topic-drift';

describe('topicDrift', () => {
  const registry = TOPICS.registry;

  it('finds nothing when the deployed topic is the contract', () => {
    expect(topicDrift('t.airan.registry.v1', registry, { partitions: registry.partitions, retentionMs: registry.retentionMs, cleanupPolicy: registry.cleanupPolicy })).toEqual([]);
  });

  it('names every differing setting; only the cleanup policy is breaking', () => {
    expect(topicDrift('t.airan.registry.v1', registry, { partitions: registry.partitions + 2, retentionMs: 3_600_000, cleanupPolicy: 'delete' })).toEqual([
      { topic: 't.airan.registry.v1', setting: 'cleanup.policy', expected: 'compact', actual: 'delete', breaking: true },
      { topic: 't.airan.registry.v1', setting: 'partitions', expected: String(registry.partitions), actual: String(registry.partitions + 2), breaking: false },
      { topic: 't.airan.registry.v1', setting: 'retention.ms', expected: String(registry.retentionMs), actual: '3600000', breaking: false },
    ]);
  });

  it('explains a breaking drift and how to fix it', () => {
    const [drift] = topicDrift('t.airan.registry.v1', registry, { ...registry, cleanupPolicy: 'delete' });
    expect(new TopicDriftError([drift]).message).toBe(
      'Kafka topics differ from their contract: t.airan.registry.v1 has cleanup.policy=delete, the contract says compact. Fix the topic (kafka-configs.sh --alter) or remove it so it is created again',
    );
  });
});
