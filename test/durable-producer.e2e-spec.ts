import { DurableProducer } from '@airan/kafka';
import { readTopicToEnd } from './support/kafka-test-tools';
import { isolate } from './support/stack';
import { testKafka } from './support/test-kafka';

/**
 * The broker refuses one partition of a request and writes the other; kafkajs then fails the request and
 * takes back the sequence number of both. A plain kafkajs idempotent producer gives the written
 * partition's next batch that number again, and the broker acknowledges it as a duplicate without
 * storing it. DurableProducer must not lose it.
 */
describe('DurableProducer after a request the broker wrote in part', () => {
  const isolation = isolate();
  const kafka = testKafka('durable-producer-test', isolation.env.KAFKA_BROKERS.split(','));
  const written = `${isolation.topicPrefix}airan.producer-test.written.v1`;
  const refused = `${isolation.topicPrefix}airan.producer-test.refused.v1`;
  const producer = new DurableProducer(kafka);

  beforeAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          { topic: written, numPartitions: 1 },
          // Small enough that the broker refuses the 5 KB message below (MESSAGE_TOO_LARGE) while it writes the other topic's.
          { topic: refused, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: '2000' }] },
        ],
      });
    } finally {
      await admin.disconnect();
    }
    await producer.connect();
  });

  afterAll(() => producer.disconnect());

  it('stores every message it acknowledged afterwards', async () => {
    await expect(
      producer.sendBatch([
        { topic: written, message: { key: 'site-a', value: { n: 'first' } } },
        { topic: refused, message: { key: 'site-a', value: 'x'.repeat(5000) } },
      ]),
    ).rejects.toMatchObject({ type: 'MESSAGE_TOO_LARGE' });
    await producer.sendBatch([{ topic: written, message: { key: 'site-a', value: { n: 'second' } } }]);
    await producer.sendBatch([{ topic: written, message: { key: 'site-a', value: { n: 'third' } } }]);

    const stored = await readTopicToEnd<{ n: string }>(written);
    // The first went with the refused request: the broker wrote it, though the send failed.
    expect(stored.map((m) => m.value.n)).toEqual(['first', 'second', 'third']);
  });

  it('takes 50 concurrent sends, one at a time: each is stored once', async () => {
    const values = Array.from({ length: 50 }, (_, i) => `concurrent-${i}`);
    await Promise.all(values.map((value, i) => producer.sendBatch([{ topic: written, message: { key: `site-${i % 5}`, value: { n: value } } }])));
    const stored = (await readTopicToEnd<{ n: string }>(written)).map((m) => m.value.n).filter((n) => n.startsWith('concurrent-'));
    expect(stored.sort()).toEqual([...values].sort());
  });
});
