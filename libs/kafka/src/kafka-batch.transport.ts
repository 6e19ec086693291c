import { type CustomTransportStrategy, Server } from '@nestjs/microservices';
import type { Kafka } from 'kafkajs';
import { isObservable, lastValueFrom } from 'rxjs';
import type { DataSource } from 'typeorm';
import { OffsetRepository } from '@airan/database';
import type { Logger } from '@airan/observability';
import { type ConsumedMessage, ExactlyOnceConsumer } from './exactly-once.consumer';
import { decodeEvent } from './event-decoding';
import { KafkaBatchContext } from './kafka-batch.context';

export interface KafkaBatchTransportOptions {
  readonly kafka: Kafka;
  readonly dataSource: DataSource;
  /** The Postgres schema whose `consumer_offsets` hold the stored offsets (the service's own). */
  readonly schema: string;
  /** Deployment prefix of topics and groups (`KAFKA_TOPIC_PREFIX`). */
  readonly prefix: string;
  /** Consumer group of each handled topic, by its contract name (the `@EventPattern`); every handled topic needs one. */
  readonly groups: Readonly<Record<string, string>>;
  readonly logger: Logger;
  /** A consumer stopped for good: the app's decision (`runService` exits, to be restarted). */
  readonly onFatal: (error: Error) => void;
}

/**
 * A Nest microservice transport for Kafka with exactly-once effect into Postgres. Each
 * `@EventPattern(<contract topic name>)` handler gets a whole partition batch (`ConsumedMessage[]`) and a
 * `KafkaBatchContext` holding the transaction in which the batch is applied and its stored offset
 * advanced (see ExactlyOnceConsumer). The handler's promise (or observable) is awaited inside that
 * transaction: if it fails, nothing of the batch is kept, and kafkajs delivers it again.
 *
 * Nest's own Kafka transport handles one message at a time and commits offsets to Kafka, not beside the
 * state in Postgres, so it cannot give this guarantee.
 */
export class KafkaBatchTransport extends Server implements CustomTransportStrategy {
  private readonly consumers: Array<ExactlyOnceConsumer<unknown>> = [];

  constructor(private readonly options: KafkaBatchTransportOptions) {
    super();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      for (const pattern of this.messageHandlers.keys()) this.consumers.push(this.consumerFor(pattern));
      // Started one after the other: each joins its own group, and a failure stops start-up with its cause.
      for (const consumer of this.consumers) await consumer.start();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  async close(): Promise<void> {
    for (const consumer of this.consumers) await consumer.stop();
  }

  on(): never {
    throw new Error('KafkaBatchTransport has no events to listen to');
  }

  unwrap<T>(): T {
    return this.consumers as T;
  }

  private consumerFor(pattern: string): ExactlyOnceConsumer<unknown> {
    const group = this.options.groups[pattern];
    if (!group) throw new Error(`no consumer group configured for topic ${pattern}`);
    const handler = this.getHandlerByPattern(pattern)!;
    const { kafka, dataSource, schema, prefix, logger } = this.options;
    return new ExactlyOnceConsumer<unknown>(
      kafka,
      dataSource,
      new OffsetRepository(schema),
      {
        // Groups are namespaced like topics, so isolated deployments (and test runs) never share one.
        groupId: prefix + group,
        topics: [prefix + pattern],
        decode: decodeEvent,
        onFatal: this.options.onFatal,
        handle: async (tx, messages: ConsumedMessage<unknown>[]) => {
          const context = new KafkaBatchContext([tx, messages[0].topic, messages[0].partition]);
          const result = await handler(messages, context);
          if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
        },
      },
      logger,
    );
  }
}
