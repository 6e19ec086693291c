import { Inject, Injectable } from '@nestjs/common';
import { INFRA, type ServiceInfra } from '@airan/http';
import { TopicFetcher } from '@airan/kafka';
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

  /** The ids of the events from `from` up to (not including) `to` in each partition. */
  async idsBetween(topic: string, from: Positions, to: Positions): Promise<Set<string>> {
    const ids = new Set<string>();
    const fetcher = await TopicFetcher.open(this.infra.kafka, topic);
    try {
      let at = new Map([...from].filter(([partition, offset]) => offset < (to.get(partition) ?? 0)));
      while (at.size > 0) {
        const { messages, next } = await fetcher.fetch(at, { maxWaitMs: 100, maxBytes: 8 << 20 });
        for (const m of messages) {
          if (m.offset >= to.get(m.partition)! || m.value === null) continue;
          const id = idOf(m.value);
          if (id !== undefined) ids.add(id);
        }
        at = new Map([...next].filter(([partition, offset]) => offset < to.get(partition)!));
      }
      return ids;
    } finally {
      await fetcher.close();
    }
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
