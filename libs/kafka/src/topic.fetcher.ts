import type { Kafka } from 'kafkajs';
import { Batch, type KafkajsCluster, type RawPartition, createCluster } from './kafkajs.internals';

/** One message as a fetch returned it; offsets are plain numbers (Kafka's int64 stays far below 2^53 in practice). */
export interface FetchedMessage {
  readonly partition: number;
  readonly offset: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

/** The offsets a partition holds now: `low` is the first one kept, `high` the one the next message gets. */
export interface PartitionRange {
  readonly partition: number;
  readonly low: number;
  readonly high: number;
}

export interface FetchOptions {
  /** How long the broker may hold the request waiting for a first byte (a long poll); 0 answers at once. */
  readonly maxWaitMs: number;
  /** Upper bound of one response (the broker still returns one whole record batch if it is larger). */
  readonly maxBytes: number;
}

/** The result of one fetch: messages in partition order, and per partition the offset to fetch next. */
export interface FetchResult {
  readonly messages: FetchedMessage[];
  readonly next: ReadonlyMap<number, number>;
}

/** Raised when a requested offset is no longer (or not yet) on the broker. */
export class OffsetOutOfRangeError extends Error {
  constructor(topic: string, cause: Error) {
    super(`${topic}: ${cause.message}`);
    this.name = 'OffsetOutOfRangeError';
  }
}

/**
 * Reads a topic without a consumer group: the caller names an offset per partition and gets what
 * follows, from every partition's leader, on this fetcher's own broker connections (a long poll on
 * them never delays another fetcher). Nothing is committed anywhere; the caller keeps its positions.
 */
export class TopicFetcher {
  private constructor(
    private readonly cluster: KafkajsCluster,
    readonly topic: string,
  ) {}

  static async open(kafka: Kafka, topic: string): Promise<TopicFetcher> {
    const cluster = createCluster(kafka);
    try {
      await cluster.connect();
      await cluster.addTargetTopic(topic);
    } catch (error) {
      await cluster.disconnect().catch(() => undefined);
      throw error;
    }
    return new TopicFetcher(cluster, topic);
  }

  /** Every partition of the topic and the offsets it holds now. */
  async ranges(): Promise<PartitionRange[]> {
    const partitions = this.cluster.findTopicPartitionMetadata(this.topic).map((p) => ({ partition: p.partitionId }));
    const offsets = async (fromBeginning: boolean) =>
      new Map((await this.cluster.fetchTopicsOffset([{ topic: this.topic, partitions, fromBeginning }]))[0].partitions.map((p) => [p.partition, Number(p.offset)]));
    const [low, high] = await Promise.all([offsets(true), offsets(false)]);
    return partitions.map(({ partition }) => ({ partition, low: low.get(partition)!, high: high.get(partition)! })).sort((a, b) => a.partition - b.partition);
  }

  /** What follows `from` (partition → offset) in each named partition. A failure refreshes the metadata, so a retry finds moved leaders. */
  async fetch(from: ReadonlyMap<number, number>, options: FetchOptions): Promise<FetchResult> {
    try {
      const byLeader = this.cluster.findLeaderForPartitions(this.topic, [...from.keys()]);
      const results = await Promise.all(Object.entries(byLeader).map(([nodeId, partitions]) => this.fetchFrom(nodeId, partitions, from, options)));
      return { messages: results.flatMap((r) => r.messages), next: new Map(results.flatMap((r) => [...r.next])) };
    } catch (error) {
      await this.cluster.refreshMetadata().catch(() => undefined);
      if ((error as Error).name === 'KafkaJSOffsetOutOfRange') throw new OffsetOutOfRangeError(this.topic, error as Error);
      throw error;
    }
  }

  close(): Promise<void> {
    return this.cluster.disconnect();
  }

  private async fetchFrom(nodeId: string, partitions: number[], from: ReadonlyMap<number, number>, options: FetchOptions): Promise<FetchResult> {
    const broker = await this.cluster.findBroker({ nodeId });
    const request = partitions.map((partition) => ({ partition, fetchOffset: String(from.get(partition)), maxBytes: options.maxBytes }));
    const { responses } = await broker.fetch({ maxWaitTime: options.maxWaitMs, minBytes: 1, maxBytes: options.maxBytes, topics: [{ topic: this.topic, partitions: request }] });
    const messages: FetchedMessage[] = [];
    const next = new Map<number, number>();
    for (const raw of responses.flatMap((r) => r.partitions)) {
      const batch = new Batch(this.topic, String(from.get(raw.partition)), raw);
      // Past every record at or after the requested offset, control records and aborted ones included.
      const last = batch.messagesWithinOffset.at(-1);
      next.set(raw.partition, last ? Number(last.offset) + 1 : from.get(raw.partition)!);
      for (const m of batch.messages) messages.push({ partition: raw.partition, offset: Number(m.offset), key: m.key, value: m.value });
    }
    return { messages, next };
  }
}
