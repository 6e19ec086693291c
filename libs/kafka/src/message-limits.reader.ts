import { type Admin, ConfigResourceTypes, ConfigSource, type DescribeConfigResponse } from 'kafkajs';

/** Kafka's own default for `message.max.bytes` (1 MiB plus the 12-byte log overhead). */
export const KAFKA_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

/** The largest record batch a topic takes, and where that number came from. */
export interface MessageLimit {
  readonly topic: string;
  readonly maxMessageBytes: number;
  /** `topic`: the topic's own `max.message.bytes`; `broker`: the brokers' `message.max.bytes`; `default`: neither could be read. */
  readonly source: 'topic' | 'broker' | 'default';
}

/**
 * Reads how large a record batch each topic accepts: the topic's `max.message.bytes` when the topic
 * sets it, else the smallest `message.max.bytes` of the brokers (the topic inherits it, and a partition
 * may move to any broker). The broker refuses a larger batch with MESSAGE_TOO_LARGE, which no retry
 * cures, so a producer must stay under it. When the configuration cannot be read (an ACL without
 * DescribeConfigs, say), Kafka's default is assumed.
 */
export async function readMessageLimits(admin: Admin, topics: readonly string[]): Promise<Map<string, MessageLimit>> {
  const fallback = new Map(topics.map((topic) => [topic, { topic, maxMessageBytes: KAFKA_DEFAULT_MAX_MESSAGE_BYTES, source: 'default' as const }]));
  let brokerIds: string[];
  let resources: DescribeConfigResponse['resources'];
  try {
    brokerIds = (await admin.describeCluster()).brokers.map((b) => String(b.nodeId));
    ({ resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        ...topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['max.message.bytes'] })),
        ...brokerIds.map((name) => ({ type: ConfigResourceTypes.BROKER, name, configNames: ['message.max.bytes'] })),
      ],
    }));
  } catch {
    return fallback;
  }
  const entry = (type: ConfigResourceTypes, name: string, config: string) => {
    const resource = resources.find((r) => r.resourceType === type && r.resourceName === name && r.errorCode === 0);
    const found = resource?.configEntries.find((e) => e.configName === config);
    const value = Number(found?.configValue);
    return found && Number.isInteger(value) && value > 0 ? { value, source: found.configSource } : undefined;
  };
  const brokerValues = brokerIds.flatMap((id) => entry(ConfigResourceTypes.BROKER, id, 'message.max.bytes')?.value ?? []);
  return new Map(
    topics.map((topic): [string, MessageLimit] => {
      const own = entry(ConfigResourceTypes.TOPIC, topic, 'max.message.bytes');
      if (own?.source === ConfigSource.TOPIC_CONFIG) return [topic, { topic, maxMessageBytes: own.value, source: 'topic' }];
      // Inherited: the value the topic reports is one broker's; the smallest of all is safe on any of them.
      const candidates = [...(own ? [own.value] : []), ...brokerValues];
      if (candidates.length === 0) return [topic, fallback.get(topic)!];
      return [topic, { topic, maxMessageBytes: Math.min(...candidates), source: 'broker' }];
    }),
  );
}
