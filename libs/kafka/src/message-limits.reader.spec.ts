import { type Admin, ConfigResourceTypes, ConfigSource } from 'kafkajs';
import { KAFKA_DEFAULT_MAX_MESSAGE_BYTES, readMessageLimits } from './message-limits.reader';

type Entry = [type: ConfigResourceTypes, name: string, config: string, value: string, source: ConfigSource];

/** An admin client answering describeCluster and describeConfigs from a table. */
function admin(brokers: number[], entries: Entry[], failing = false): Admin {
  return {
    describeCluster: async () => ({ brokers: brokers.map((nodeId) => ({ nodeId, host: 'h', port: 9092 })), controller: brokers[0], clusterId: 'c' }),
    describeConfigs: async ({ resources }: { resources: Array<{ type: ConfigResourceTypes; name: string }> }) => {
      if (failing) throw new Error('Cluster authorization failed');
      return {
        throttleTime: 0,
        resources: resources.map(({ type, name }) => ({
          resourceType: type,
          resourceName: name,
          errorCode: 0,
          errorMessage: null,
          configEntries: entries.filter(([t, n]) => t === type && n === name).map(([, , configName, configValue, configSource]) => ({ configName, configValue, configSource, isDefault: false, isSensitive: false, readOnly: false, configSynonyms: [] })),
        })),
      };
    },
  } as unknown as Admin;
}

const { TOPIC, BROKER } = ConfigResourceTypes;

describe('readMessageLimits', () => {
  it("takes a topic's own max.message.bytes, even above the brokers' default", async () => {
    const limits = await readMessageLimits(admin([1], [[TOPIC, 'a', 'max.message.bytes', '65536', ConfigSource.TOPIC_CONFIG], [TOPIC, 'b', 'max.message.bytes', '5000000', ConfigSource.TOPIC_CONFIG], [BROKER, '1', 'message.max.bytes', '1048588', ConfigSource.DEFAULT_CONFIG]]), ['a', 'b']);
    expect([...limits.values()]).toEqual([
      { topic: 'a', maxMessageBytes: 65536, source: 'topic' },
      { topic: 'b', maxMessageBytes: 5000000, source: 'topic' },
    ]);
  });

  it("takes the smallest broker's message.max.bytes for a topic that inherits it", async () => {
    const entries: Entry[] = [
      [TOPIC, 'a', 'max.message.bytes', '2000000', ConfigSource.STATIC_BROKER_CONFIG],
      [BROKER, '1', 'message.max.bytes', '2000000', ConfigSource.STATIC_BROKER_CONFIG],
      [BROKER, '2', 'message.max.bytes', '1500000', ConfigSource.STATIC_BROKER_CONFIG],
    ];
    expect((await readMessageLimits(admin([1, 2], entries), ['a'])).get('a')).toEqual({ topic: 'a', maxMessageBytes: 1500000, source: 'broker' });
  });

  it("assumes Kafka's default when the configuration cannot be read", async () => {
    expect((await readMessageLimits(admin([1], [], true), ['a'])).get('a')).toEqual({ topic: 'a', maxMessageBytes: KAFKA_DEFAULT_MAX_MESSAGE_BYTES, source: 'default' });
  });
});
