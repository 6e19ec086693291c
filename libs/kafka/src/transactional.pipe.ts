import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from '@airan/observability';
import { RenewableProducer } from './renewable.producer';

/** A message read from a source topic. */
export interface PipedInput {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
}

/** A message the transform writes. */
export interface PipedOutput {
  readonly topic: string;
  readonly key: string | null;
  readonly value: string;
}

export interface TransactionalPipeOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  /**
   * The producer's transactional id: stable per instance, so a restarted instance fences the transactions
   * its previous run left open (the broker aborts them) before it writes.
   */
  readonly transactionalId: string;
  readonly transform: (input: PipedInput) => PipedOutput[];
  /**
   * Told when kafkajs gives up on the consumer (it does after some broker restarts: "Failed to find group
   * coordinator"): the pipe copies nothing more, and its owner decides whether to start another.
   */
  readonly onStopped: (error: Error) => void;
}

/**
 * Consume, transform, produce with Kafka transactions: each batch of one source partition is written, with
 * the consumer group's offset after it, in one transaction. A crash anywhere aborts it and the batch is read
 * again from the committed offset, so every source message reaches the outputs exactly once for readers
 * with `isolation.level=read_committed`. kafkajs stays behind this class.
 */
export class TransactionalPipe {
  private readonly consumer: Consumer;
  /** Renewed, with a new epoch, after a failed transaction (see RenewableProducer). */
  private readonly producer: RenewableProducer;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: TransactionalPipeOptions,
    private readonly logger: Logger,
  ) {
    this.consumer = kafka.consumer({ groupId: options.groupId, readUncommitted: false, allowAutoTopicCreation: false });
    this.producer = new RenewableProducer(() =>
      kafka.producer({ transactionalId: options.transactionalId, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false }),
    );
  }

  async start(): Promise<void> {
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) return;
      this.logger.error({ err: payload.error.message, groupId: payload.groupId }, 'the share pipe stopped; its owner starts a new one');
      this.options.onStopped(payload.error);
    });
    await this.producer.current();
    await this.consumer.connect();
    for (const topic of this.options.topics) await this.consumer.subscribe({ topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        if (!isRunning() || isStale() || batch.messages.length === 0) return;
        const outputs = batch.messages.flatMap((m) =>
          this.options.transform({ topic: batch.topic, partition: batch.partition, offset: m.offset, key: m.key?.toString('utf8') ?? null, value: m.value }),
        );
        const next = (BigInt(batch.lastOffset()) + 1n).toString();
        const transaction = await (await this.producer.current()).transaction();
        try {
          if (outputs.length > 0) await transaction.sendBatch({ topicMessages: byTopic(outputs), acks: -1 });
          await transaction.sendOffsets({ consumerGroupId: this.options.groupId, topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next }] }] });
          await transaction.commit();
        } catch (error) {
          await transaction.abort().catch((abortError: Error) => this.logger.warn({ err: abortError.message }, 'aborting a share transaction failed'));
          this.producer.spoil();
          throw error;
        }
        resolveOffset(batch.lastOffset());
        await heartbeat();
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }
}

function byTopic(outputs: readonly PipedOutput[]): Array<{ topic: string; messages: Array<{ key: string | null; value: string }> }> {
  const topics = new Map<string, Array<{ key: string | null; value: string }>>();
  for (const { topic, key, value } of outputs) {
    const messages = topics.get(topic);
    if (messages) messages.push({ key, value });
    else topics.set(topic, [{ key, value }]);
  }
  return [...topics].map(([topic, messages]) => ({ topic, messages }));
}
