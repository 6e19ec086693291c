import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { OffsetRepository, OutboxRepository } from '@airan/database';
import { type BatchHandler, DurableProducer, ExactlyOnceConsumer, OutboxRelay, decodeJson } from '@airan/kafka';
import type { ServiceInfra } from './service.infra';

export interface EventPipelineSpec<T> {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly handle: BatchHandler<T>;
  /** Relay this service's outbox to Kafka (services whose state produces events). */
  readonly relayOutbox: boolean;
}

/**
 * A service's consume → transact → outbox → relay loop, tied to the Nest lifecycle: it starts in
 * onApplicationBootstrap, after every provider's onModuleInit (caches read, partitions made), and
 * stops (consumer first, then relay and producer) before shared connections close.
 */
export class EventPipeline<T> implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly consumer: ExactlyOnceConsumer<T>;
  private readonly producer?: DurableProducer;
  private readonly relay?: OutboxRelay;

  constructor(infra: ServiceInfra, spec: EventPipelineSpec<T>) {
    if (spec.relayOutbox) {
      this.producer = new DurableProducer(infra.kafka);
      this.relay = new OutboxRelay(infra.dataSource, new OutboxRepository(infra.name), this.producer, infra.logger);
    }
    this.consumer = new ExactlyOnceConsumer<T>(
      infra.kafka,
      infra.dataSource,
      new OffsetRepository(infra.name),
      // Groups are namespaced like topics, so isolated deployments (and test runs) never share one.
      { groupId: infra.config.KAFKA_TOPIC_PREFIX + spec.groupId, topics: spec.topics, decode: decodeJson, handle: spec.handle },
      infra.logger,
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.producer?.connect();
    await this.relay?.start();
    await this.consumer.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer.stop();
    await this.relay?.stop();
    await this.producer?.disconnect();
  }
}
