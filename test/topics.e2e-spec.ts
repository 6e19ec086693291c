import { type Admin, ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { TOPICS, type TopicSpec } from '@airan/contracts';
import { connectAndProvision } from '@airan/kafka';
import { isolate } from './support/stack';

/**
 * The topics on the real broker, as the start-up handshake every service runs provisions them, equal
 * their contract in libs/contracts: partitions, retention and cleanup policy.
 */
describe('kafka: topics as the contract defines them', () => {
  const isolation = isolate();
  const brokers = isolation.env.KAFKA_BROKERS.split(',');
  const kafka = new Kafka({ clientId: 'airan-test-topics', brokers, logLevel: logLevel.NOTHING });
  const specs: readonly TopicSpec[] = Object.values(TOPICS);
  const deployed = (spec: TopicSpec) => `${isolation.topicPrefix}${spec.name}`;
  let admin: Admin;

  beforeAll(async () => {
    await connectAndProvision(kafka, brokers, isolation.topicPrefix, 1);
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.deleteTopics({ topics: specs.map(deployed) });
    await admin?.disconnect();
  });

  /** Every topic of this run as the broker describes it, in the contract's terms. */
  async function describeTopics(): Promise<TopicSpec[]> {
    const { topics } = await admin.fetchTopicMetadata({ topics: specs.map(deployed) });
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: specs.map((spec) => ({ type: ConfigResourceTypes.TOPIC, name: deployed(spec), configNames: ['retention.ms', 'cleanup.policy'] })),
    });
    return specs.map((spec) => {
      const config = new Map(resources.find((r) => r.resourceName === deployed(spec))?.configEntries.map((e) => [e.configName, e.configValue]));
      return {
        name: spec.name,
        partitions: topics.find((t) => t.name === deployed(spec))?.partitions.length ?? 0,
        retentionMs: Number(config.get('retention.ms')),
        cleanupPolicy: config.get('cleanup.policy') as TopicSpec['cleanupPolicy'],
      };
    });
  }

  it('creates every topic of the contract with its partitions, retention and cleanup policy', async () => {
    const described = await describeTopics();
    expect(described).toEqual(specs.map(({ name, partitions, retentionMs, cleanupPolicy }) => ({ name, partitions, retentionMs, cleanupPolicy })));
    expect(described.find((t) => t.name === 'airan.registry.v1')).toMatchObject({ cleanupPolicy: 'compact', retentionMs: -1 });
  });
});
