/**
 * Every Kafka topic airan uses, defined once. Topics are created explicitly at start-up
 * (see @airan/kafka ensureTopics); brokers never auto-create them.
 */
export interface TopicSpec {
  /** Base name; the deployed name is `${KAFKA_TOPIC_PREFIX}${name}` so test runs never share data. */
  readonly name: string;
  readonly partitions: number;
  readonly retentionMs: number;
  readonly cleanupPolicy: 'delete' | 'compact';
}

const DAY_MS = 24 * 60 * 60 * 1000;

export const TOPICS = {
  telemetry: { name: 'airan.telemetry.v1', partitions: 6, retentionMs: 7 * DAY_MS, cleanupPolicy: 'delete' },
  telemetryDlq: { name: 'airan.telemetry.dlq.v1', partitions: 3, retentionMs: 30 * DAY_MS, cleanupPolicy: 'delete' },
  cellLoad: { name: 'airan.cell-load.v1', partitions: 6, retentionMs: 30 * DAY_MS, cleanupPolicy: 'delete' },
  rollups: { name: 'airan.rollups.v1', partitions: 3, retentionMs: 30 * DAY_MS, cleanupPolicy: 'delete' },
  alerts: { name: 'airan.alerts.v1', partitions: 3, retentionMs: 90 * DAY_MS, cleanupPolicy: 'delete' },
  registry: { name: 'airan.registry.v1', partitions: 1, retentionMs: -1, cleanupPolicy: 'compact' },
} as const satisfies Record<string, TopicSpec>;

export type TopicKey = keyof typeof TOPICS;

/** Resolved topic names for one deployment (prefix applied). */
export type TopicNames = { readonly [K in TopicKey]: string };

export function topicNames(prefix: string): TopicNames {
  const entries = Object.entries(TOPICS).map(([key, spec]) => [key, `${prefix}${spec.name}`]);
  return Object.fromEntries(entries) as TopicNames;
}
