import type { TopicSpec } from '@airan/contracts';

/** One setting of a topic on the broker that differs from its contract in libs/contracts. */
export interface TopicDrift {
  readonly topic: string;
  readonly setting: 'partitions' | 'retention.ms' | 'cleanup.policy';
  readonly expected: string;
  readonly actual: string;
  /**
   * A different cleanup policy changes what the topic is (a registry that deletes instead of compacting
   * loses entities after its retention); partitions and retention change how it scales and how long it
   * keeps data, which an operator may have chosen on purpose.
   */
  readonly breaking: boolean;
}

/** A topic as the broker describes it, in the contract's terms. */
export type DeployedTopic = Omit<TopicSpec, 'name'>;

export function topicDrift(topic: string, spec: TopicSpec, deployed: DeployedTopic): TopicDrift[] {
  const drift: TopicDrift[] = [];
  const compare = (setting: TopicDrift['setting'], expected: string | number, actual: string | number, breaking: boolean) => {
    if (String(expected) !== String(actual)) drift.push({ topic, setting, expected: String(expected), actual: String(actual), breaking });
  };
  compare('cleanup.policy', spec.cleanupPolicy, deployed.cleanupPolicy, true);
  compare('partitions', spec.partitions, deployed.partitions, false);
  compare('retention.ms', spec.retentionMs, deployed.retentionMs, false);
  return drift;
}

/** Raised at start-up when a topic's drift is breaking; names every such setting. */
export class TopicDriftError extends Error {
  constructor(readonly drift: readonly TopicDrift[]) {
    super(`Kafka topics differ from their contract: ${drift.map((d) => `${d.topic} has ${d.setting}=${d.actual}, the contract says ${d.expected}`).join('; ')}. Fix the topic (kafka-configs.sh --alter) or remove it so it is created again`);
    this.name = 'TopicDriftError';
  }
}
