import { randomBytes } from 'node:crypto';
import { type Admin, AssignerProtocol, Kafka, Partitioners, type Producer } from 'kafkajs';
import { testKafka } from './test-kafka';
import { topicNames } from '@airan/contracts';
import { decodeHeaders, ensureTopics } from '@airan/kafka';
import { type Isolation, eventually } from './stack';
import type { StreamMessage } from './telemetry-stream';

/**
 * Kafka as the tests see it from outside: a producer that writes a telemetry stream to an
 * isolation's telemetry topic as ingest would, readers of a topic's messages and end offsets, the
 * state of a consumer group (and the eviction of a SIGKILLed member), and clean-up of an isolation's topics.
 */


/** Writes stream messages to an isolation's telemetry topic the way ingest does (idempotent, acks=all, key = siteId). */
export class StreamProducer {
  private constructor(
    private readonly kafka: Kafka,
    private readonly producer: Producer,
    readonly topic: string,
  ) {}

  /** Creates the isolation's topics first (the same idempotent provisioning every service runs at start-up). */
  static async open(isolation: Isolation): Promise<StreamProducer> {
    const kafka = testKafka('airan-test-stream');
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, isolation.topicPrefix, 1);
    } finally {
      await admin.disconnect();
    }
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    return new StreamProducer(kafka, producer, topicNames(isolation.topicPrefix).telemetry);
  }

  /** Sends in order, in chunks; resolves once Kafka holds them all. */
  async send(messages: readonly StreamMessage[], chunk = 400): Promise<void> {
    for (let i = 0; i < messages.length; i += chunk) {
      await this.producer.send({
        topic: this.topic,
        acks: -1,
        messages: messages.slice(i, i + chunk).map((m) => ({ key: m.key, value: JSON.stringify(m.value), headers: m.headers })),
      });
    }
  }

  /** High watermark of every partition of the telemetry topic. */
  endOffsets(): Promise<Map<number, bigint>> {
    return topicEndOffsets(this.kafka, this.topic);
  }

  close(): Promise<void> {
    return this.producer.disconnect();
  }
}

async function topicEndOffsets(kafka: Kafka, topic: string): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
  } finally {
    await admin.disconnect();
  }
}

/**
 * Every message of a topic up to its end offsets at the time of the call, as an outside consumer sees
 * them. (Like TopicReader, with a short fetch wait so that disconnecting once everything is read does
 * not sit out a 5 s long poll.)
 */
export async function readTopicToEnd<T>(topic: string, timeoutMs = 60_000): Promise<Array<{ key: string | null; value: T; headers: Record<string, string>; partition: number; offset: string }>> {
  const kafka = testKafka('airan-test-reader');
  const ends = await topicEndOffsets(kafka, topic);
  const messages: Array<{ key: string | null; value: T; headers: Record<string, string>; partition: number; offset: string }> = [];
  const next = new Map<number, bigint>();
  const consumer = kafka.consumer({ groupId: `test-reader-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        messages.push({ key: message.key?.toString() ?? null, value: JSON.parse(message.value!.toString()) as T, headers: decodeHeaders(message.headers), partition, offset: message.offset });
        next.set(partition, BigInt(message.offset) + 1n);
      },
    });
    await eventually(async () => {
      for (const [partition, end] of ends) {
        if ((next.get(partition) ?? 0n) < end) throw new Error(`${topic}[${partition}] read to ${next.get(partition) ?? 0n} of ${end}`);
      }
    }, timeoutMs, 50);
    return [...messages];
  } finally {
    await consumer.disconnect();
  }
}

/** Polls a topic's total end offset (sum over partitions) on one admin connection. */
export class TopicEnd {
  private constructor(
    private readonly admin: Admin,
    private readonly topic: string,
  ) {}

  static async open(topic: string): Promise<TopicEnd> {
    const admin = testKafka('airan-test-topic-end').admin();
    await admin.connect();
    return new TopicEnd(admin, topic);
  }

  async total(): Promise<number> {
    return (await this.admin.fetchTopicOffsets(this.topic)).reduce((sum, p) => sum + Number(p.high), 0);
  }

  close(): Promise<void> {
    return this.admin.disconnect();
  }
}

/**
 * Removes every member of a consumer group on the members' behalf (LeaveGroup), for use right after
 * the only process in the group was SIGKILLed: a killed member never leaves, so without this its
 * replacement waits for the coordinator to expire the dead member (the consumer's 30 s session
 * timeout) before it gets any partition. Nothing about the data path changes: the dead process
 * applied what it committed to Postgres and nothing else, whoever removes it from the group.
 * kafkajs has no public call for this, so it uses its (pinned, 2.2.4) internal cluster client.
 */
export async function evictGroupMembers(groupId: string): Promise<string[]> {
  const kafka = testKafka('airan-test-evict');
  const admin = kafka.admin();
  await admin.connect();
  const { groups } = await admin.describeGroups([groupId]).finally(() => admin.disconnect());
  const members = groups[0]?.members.map((m) => m.memberId) ?? [];
  if (members.length === 0) return [];
  const createCluster = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  if (!createCluster) throw new Error('kafkajs internals changed: no private:Kafka:createCluster (evictGroupMembers needs updating)');
  type Coordinator = { leaveGroup(request: { groupId: string; memberId: string }): Promise<unknown> };
  type Cluster = { connect(): Promise<void>; disconnect(): Promise<void>; findGroupCoordinator(request: { groupId: string }): Promise<Coordinator> };
  const cluster = (kafka as unknown as Record<symbol, (options: object) => Cluster>)[createCluster]({ metadataMaxAge: 300_000, allowAutoTopicCreation: false });
  await cluster.connect();
  try {
    const coordinator = await cluster.findGroupCoordinator({ groupId });
    for (const memberId of members) await coordinator.leaveGroup({ groupId, memberId });
    return members;
  } finally {
    await cluster.disconnect();
  }
}

/** A consumer group's state and how many members hold partitions, as the group coordinator sees it. */
export async function describeGroup(groupId: string): Promise<{ state: string; members: number; membersWithPartitions: number; memberIds: string[] }> {
  const kafka = testKafka('airan-test-groups');
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    const group = groups[0];
    const partitionsOf = (assignment: Buffer) => Object.values(AssignerProtocol.MemberAssignment.decode(assignment)?.assignment ?? {}).flat().length;
    const withPartitions = group.members.filter((m) => m.memberAssignment.length > 0 && partitionsOf(m.memberAssignment) > 0);
    return { state: group.state, members: group.members.length, membersWithPartitions: withPartitions.length, memberIds: withPartitions.map((m) => m.memberId) };
  } finally {
    await admin.disconnect();
  }
}

/** Offsets the group committed to Kafka (which load commits after Postgres, for lag monitoring only). */
export async function kafkaCommittedOffsets(groupId: string, topic: string): Promise<Map<number, bigint>> {
  const kafka = testKafka('airan-test-offsets');
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map(committed.partitions.map((p) => [p.partition, BigInt(p.offset)]));
  } finally {
    await admin.disconnect();
  }
}

/**
 * Deletes an isolation's topics now, rather than when its test file is done (isolation-environment.ts),
 * or on a broker other than the suite's, which nothing else cleans up.
 */
export async function deleteTopics(isolation: Isolation, kafka: Kafka = testKafka('airan-test-cleanup')): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(isolation.topicPrefix));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
  } finally {
    await admin.disconnect();
  }
}
