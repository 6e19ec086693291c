import { type Admin, Kafka, Partitioners, type Producer } from 'kafkajs';
import { testKafka } from './test-kafka';
import { type TopicKey, topicNames } from '@airan/contracts';
import { ensureTopics } from '@airan/kafka';
import type { Isolation } from './stack';

/**
 * Writes events straight to an isolation's topics, as the services' relays do (JSON values, acks from
 * all replicas), so a test controls exactly what a topic holds; and trims a partition's start, as
 * retention would.
 */
export class TopicWriter {
  private constructor(
    private readonly admin: Admin,
    private readonly producer: Producer,
    private readonly names: Record<TopicKey, string>,
  ) {}

  /** Creates the isolation's topics first (the same idempotent provisioning every service runs at start-up). */
  static async open(isolation: Isolation): Promise<TopicWriter> {
    const kafka = testKafka('airan-test-topic-writer');
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, isolation.topicPrefix, 1);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    return new TopicWriter(admin, producer, topicNames(isolation.topicPrefix));
  }

  /** Sends the values in order (keyed by `key`); resolves once Kafka holds them all. */
  async send(topic: TopicKey, values: readonly object[], key: (value: object) => string): Promise<void> {
    if (values.length === 0) return;
    await this.producer.send({ topic: this.names[topic], acks: -1, messages: values.map((value) => ({ key: key(value), value: JSON.stringify(value) })) });
  }

  /** The next offset each partition will write. */
  ends(topic: TopicKey): Promise<Map<number, number>> {
    return this.endsOf(this.names[topic]);
  }

  /** The same, of any topic by its full name (a partner's topic). */
  async endsOf(name: string): Promise<Map<number, number>> {
    return new Map((await this.admin.fetchTopicOffsets(name)).map((p) => [p.partition, Number(p.high)]));
  }

  /** Drops a partition's messages before `offset`, as retention does. */
  async trim(topic: TopicKey, partition: number, offset: number): Promise<void> {
    await this.admin.deleteTopicRecords({ topic: this.names[topic], partitions: [{ partition, offset: String(offset) }] });
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
    await this.admin.disconnect();
  }
}
