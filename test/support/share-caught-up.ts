import { type TopicKey, topicNames } from '@airan/contracts';
import { kafkaCommittedOffsets } from './kafka-test-tools';
import { type Isolation, eventually } from './stack';
import type { TopicWriter } from './topic-writer';

/** Resolves once share's group has committed every partition of a source topic to its end: everything written so far is shared. */
export function shareCaughtUp(isolation: Isolation, writer: TopicWriter, source: TopicKey, timeoutMs = 60_000): Promise<void> {
  return eventually(async () => {
    const ends = await writer.ends(source);
    const committed = await kafkaCommittedOffsets(`${isolation.topicPrefix}airan-share`, topicNames(isolation.topicPrefix)[source]);
    for (const [partition, end] of ends) if ((committed.get(partition) ?? -1n) < BigInt(end) && end > 0) throw new Error(`partition ${partition} at ${committed.get(partition)} of ${end}`);
  }, timeoutMs);
}
