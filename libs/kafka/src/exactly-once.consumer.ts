import type { Batch, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import type { OffsetRepository } from '@airan/database';
import { SpanKind, batchTrace, counter, type Logger, withSpan } from '@airan/observability';
import { UnknownSchemaError, decodeHeaders, headerText, skipUnknownSchema } from './event-decoding';

export interface ConsumedMessage<T> {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly key: string | null;
  readonly value: T;
  /** Headers decoded as UTF-8 strings (W3C trace context among them). */
  readonly headers: Record<string, string>;
}

/** Applies one partition's batch of messages inside the consumer's transaction. */
export type BatchHandler<T> = (tx: EntityManager, messages: ConsumedMessage<T>[]) => Promise<void>;

export interface ExactlyOnceConsumerOptions<T> {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly decode: (value: Buffer) => T;
  readonly handle: BatchHandler<T>;
  /** The consumer has stopped for good (a batch kept failing after kafkajs's retries): the app decides what follows. */
  readonly onFatal: (error: Error) => void;
}

const PARTITIONS_IN_PARALLEL = 3;

const poison = counter('airan_consumer_undecodable_total', 'Messages skipped because their value could not be decoded', ['topic']);
const applied = counter('airan_consumer_applied_total', 'Messages applied to Postgres', ['topic']);
const replayed = counter('airan_consumer_replayed_total', 'Messages skipped because their offset was already applied', ['topic']);

/**
 * A kafkajs consumer with exactly-once effect into Postgres (docs/architecture.md §4): each partition batch
 * is applied in one transaction that locks and advances the stored offset, so a replay after a crash
 * or a rebalance skips what was applied. Kafka offsets are committed afterwards, for lag monitoring.
 */
export class ExactlyOnceConsumer<T> {
  private readonly consumer: Consumer;

  constructor(
    kafka: Kafka,
    private readonly dataSource: DataSource,
    private readonly offsets: OffsetRepository,
    private readonly options: ExactlyOnceConsumerOptions<T>,
    private readonly logger: Logger,
  ) {
    this.consumer = kafka.consumer({ groupId: options.groupId, allowAutoTopicCreation: false, sessionTimeout: 30_000, heartbeatInterval: 3_000 });
  }

  async start(): Promise<void> {
    // A batch that keeps failing after kafkajs's retries stops the consumer; a service that silently
    // stops consuming is worse than one that exits and is restarted, so it is loud, and the app's to end.
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) return;
      this.logger.fatal({ err: payload.error.message, groupId: payload.groupId }, 'consumer crashed');
      this.options.onFatal(payload.error);
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.options.topics], fromBeginning: true });
    // Partitions are independent (their own offset rows and keys), so several apply at once, each in its own transaction.
    await this.consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: PARTITIONS_IN_PARALLEL, eachBatch: (payload) => this.applyBatch(payload) });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  private async applyBatch({ batch, resolveOffset, heartbeat, isStale }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0 || isStale()) return;
    const { topic, partition } = batch;
    const lastOffset = BigInt(batch.lastOffset());
    // Active while the batch is applied: what handlers log, and the spans they start, continue the producers' trace.
    await withSpan(`process ${topic}`, this.spanOptions(batch), () =>
      this.dataSource.transaction(async (tx) => {
        const next = await this.offsets.lockNextOffset(tx, this.options.groupId, topic, partition);
        const fresh = batch.messages.filter((m) => BigInt(m.offset) >= next);
        replayed.inc({ topic }, batch.messages.length - fresh.length);
        const decoded = fresh.flatMap((m) => this.decode(topic, partition, m));
        if (decoded.length > 0) await this.options.handle(tx, decoded);
        if (lastOffset + 1n > next) await this.offsets.advance(tx, this.options.groupId, topic, partition, lastOffset + 1n);
        applied.inc({ topic }, decoded.length);
      }),
    );
    resolveOffset(batch.lastOffset());
    await this.consumer.commitOffsets([{ topic, partition, offset: (lastOffset + 1n).toString() }]);
    await heartbeat();
  }

  private spanOptions({ topic, partition, messages }: Batch) {
    return {
      kind: SpanKind.CONSUMER,
      ...batchTrace(messages.flatMap((m) => headerText(m.headers?.traceparent) ?? [])),
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': topic,
        'messaging.destination.partition.id': String(partition),
        'messaging.consumer.group.name': this.options.groupId,
        'messaging.batch.message_count': messages.length,
      },
    };
  }

  private decode(topic: string, partition: number, m: KafkaMessage): ConsumedMessage<T>[] {
    try {
      if (!m.value) throw new Error('empty value');
      return [{ topic, partition, offset: BigInt(m.offset), key: m.key?.toString('utf8') ?? null, value: this.options.decode(m.value), headers: decodeHeaders(m.headers) }];
    } catch (error) {
      // The message stays in the topic (and its offset is passed): one bad message must not block a partition.
      if (error instanceof UnknownSchemaError) {
        skipUnknownSchema(this.logger, { topic, partition, offset: m.offset, schema: error.schema });
        return [];
      }
      poison.inc({ topic });
      this.logger.error({ topic, partition, offset: m.offset, err: (error as Error).message }, 'skipping undecodable message');
      return [];
    }
  }
}
