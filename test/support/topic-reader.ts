import { randomBytes } from 'node:crypto';
import { type Consumer } from 'kafkajs';
import { testKafka } from './test-kafka';
import { decodeHeaders } from '@airan/kafka';

export interface ReadMessage<T> {
  readonly key: string | null;
  readonly value: T;
  readonly headers: Record<string, string>;
  readonly partition: number;
  readonly offset: string;
}

/** Collects every message of a topic from the beginning, as an outside consumer would see them. */
export class TopicReader<T> {
  readonly messages: ReadMessage<T>[] = [];
  private constructor(private readonly consumer: Consumer) {}

  static async open<T>(topic: string, brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',')): Promise<TopicReader<T>> {
    const kafka = testKafka('airan-test-reader', brokers);
    const consumer = kafka.consumer({ groupId: `test-reader-${randomBytes(4).toString('hex')}` });
    const reader = new TopicReader<T>(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        reader.messages.push({
          key: message.key?.toString() ?? null,
          // A tombstone (compacted topics) has no value.
          value: (message.value === null ? null : JSON.parse(message.value.toString())) as T,
          headers: decodeHeaders(message.headers),
          partition,
          offset: message.offset,
        });
      },
    });
    return reader;
  }

  close(): Promise<void> {
    return this.consumer.disconnect();
  }
}
