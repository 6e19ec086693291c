import type { Admin } from 'kafkajs';
import type { Client } from 'pg';
import { type TopicNames, topicNames } from '@airan/contracts';

/** Messages each consumer has not applied yet, by consumer and topic; `pending` counts what the outboxes and the notifier still hold. */
export interface LagReading {
  readonly lag: Record<string, number>;
  readonly pending: Record<string, number>;
}

export const settled = (r: LagReading) => Object.values(r.lag).every((n) => n === 0) && Object.values(r.pending).every((n) => n === 0);

/**
 * The consumers' lag as their own records say: load, alerting and the api store their next offsets in
 * Postgres with what they applied (exactly once), share commits its group's offsets in its Kafka
 * transactions. Against the topics' end offsets.
 */
export async function readLag(admin: Admin, db: Client, topicPrefix: string): Promise<LagReading> {
  const topics = topicNames(topicPrefix);
  const ends = new Map<string, number>();
  const endOf = async (topic: string) => {
    if (!ends.has(topic)) ends.set(topic, (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0));
    return ends.get(topic)!;
  };
  const stored = async (schema: string, topic: string) =>
    Number((await db.query(`SELECT coalesce(sum(next_offset), 0)::bigint AS n FROM "${schema}".consumer_offsets WHERE topic = $1`, [topic])).rows[0].n);
  const consumers: Array<[string, keyof TopicNames]> = [['load', 'telemetry'], ['alerting', 'telemetry'], ['alerting', 'cellLoad'], ['api', 'alerts'], ['api', 'telemetryDlq']];
  const lag: Record<string, number> = {};
  for (const [schema, key] of consumers) lag[`${schema} ← ${key}`] = (await endOf(topics[key])) - (await stored(schema, topics[key]));
  const shareGroup = `${topicPrefix}airan-share`;
  for (const key of ['cellLoad', 'rollups', 'alerts', 'telemetry'] as const) {
    const [committed] = await admin.fetchOffsets({ groupId: shareGroup, topics: [topics[key]] });
    const at = committed.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
    lag[`share ← ${key}`] = (await endOf(topics[key])) - at;
  }
  const count = async (sql: string) => Number((await db.query(sql)).rows[0].n);
  const pending = {
    'load outbox': await count('SELECT count(*) AS n FROM load.outbox WHERE published_at IS NULL'),
    'alerting outbox': await count('SELECT count(*) AS n FROM alerting.outbox WHERE published_at IS NULL'),
    'webhook notifications': await count('SELECT count(*) AS n FROM alerting.notifications WHERE delivered_at IS NULL AND failed_at IS NULL'),
  };
  return { lag, pending };
}
