import { Inject, Injectable } from '@nestjs/common';
import { INFRA, type ServiceInfra } from '@airan/http';
import { type FetchedMessage, TopicFetcher } from '@airan/kafka';
import type { ShareConfig } from '../share.config';

/** Offsets of a topic, by partition. */
export type Positions = ReadonlyMap<number, number>;

/** Where the share pipe stands in a source topic, where the topic ends, and which events lie between. */
@Injectable()
export class SourcePositionsRepository {
  constructor(@Inject(INFRA) private readonly infra: ServiceInfra<ShareConfig>) {}

  /**
   * The share group's committed offset of each partition: everything before it was copied by the live path
   * (for the grants it applied then), everything from it on will be. A partition it never committed starts
   * at its first offset kept, where the pipe (reading from the beginning) starts too.
   */
  async committed(topic: string): Promise<Positions> {
    const { config, kafka } = this.infra;
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [committed] = await admin.fetchOffsets({ groupId: `${config.KAFKA_TOPIC_PREFIX}${config.SHARE_GROUP_ID}`, topics: [topic] });
      const low = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.low)]));
      return new Map(committed.partitions.map((p) => [p.partition, Number(p.offset) < 0 ? low.get(p.partition)! : Number(p.offset)]));
    } finally {
      await admin.disconnect();
    }
  }

  /** The offset each partition's next message will get. */
  async ends(topic: string): Promise<Positions> {
    const fetcher = await TopicFetcher.open(this.infra.kafka, topic);
    try {
      return new Map((await fetcher.ranges()).map((r) => [r.partition, r.high]));
    } finally {
      await fetcher.close();
    }
  }

  /** The first offset of each partition whose record was written at `timestamp` (epoch ms) or later; the end where none was. */
  async writtenFrom(topic: string, timestamp: number): Promise<Positions> {
    const admin = this.infra.kafka.admin();
    await admin.connect();
    try {
      return new Map((await admin.fetchTopicOffsetsByTimestamp(topic, timestamp)).map((p) => [p.partition, Number(p.offset)]));
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * The messages from `from` up to (not including) `to`, one partition after another in partition order,
   * each in offset order: the same sequence on every read of the same ranges.
   */
  async *messagesBetween(topic: string, from: Positions, to: Positions): AsyncGenerator<FetchedMessage> {
    const fetcher = await TopicFetcher.open(this.infra.kafka, topic);
    try {
      for (const [partition, start] of [...from].sort(([a], [b]) => a - b)) yield* fetchRange(fetcher, new Map([[partition, start]]), to);
    } finally {
      await fetcher.close();
    }
  }

  /** The ids of the events from `from` up to (not including) `to` in each partition, every partition fetched at once (no order is needed). */
  async idsBetween(topic: string, from: Positions, to: Positions): Promise<Set<string>> {
    const ids = new Set<string>();
    const fetcher = await TopicFetcher.open(this.infra.kafka, topic);
    try {
      for await (const m of fetchRange(fetcher, from, to)) {
        const id = m.value === null ? undefined : idOf(m.value);
        if (id !== undefined) ids.add(id);
      }
      return ids;
    } finally {
      await fetcher.close();
    }
  }
}

/** The messages of the partitions named in `from`, up to (not including) `to`, those partitions fetched together. */
async function* fetchRange(fetcher: TopicFetcher, from: Positions, to: Positions): AsyncGenerator<FetchedMessage> {
  const before = (partition: number, offset: number) => offset < (to.get(partition) ?? 0);
  let at = new Map([...from].filter(([partition, offset]) => before(partition, offset)));
  while (at.size > 0) {
    const { messages, next } = await fetcher.fetch(at, { maxWaitMs: 100, maxBytes: 8 << 20 });
    for (const m of messages) if (before(m.partition, m.offset)) yield m;
    at = new Map([...next].filter(([partition, offset]) => before(partition, offset)));
  }
}

function idOf(value: Buffer): string | undefined {
  try {
    const id = (JSON.parse(value.toString('utf8')) as { id?: unknown }).id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
