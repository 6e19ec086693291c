import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type Grant, type ShareProduct, shareTopicName } from '@airan/contracts';
import { INFRA, type ServiceInfra } from '@airan/http';
import { type PipedInput, type PipedOutput, RegistryCache, TransactionalPipe } from '@airan/kafka';
import { counter } from '@airan/observability';
import { partnerCopies } from '@airan/share-model';
import { Clock } from '@airan/system';
import { PartnerTopics } from './partner-topics';
import type { ShareConfig } from './share.config';
import { SOURCE_TOPIC } from './share.products';

const shared = counter('airan_share_events_total', 'Events written to partner topics, by product', ['product']);
const unreadable = counter('airan_share_unreadable_total', 'Source messages that are not JSON objects, skipped', ['product']);

/**
 * Reads the source topics and writes each partner's view of every event to its own topic
 * (`airan.share.<partnerId>.<product>.v1`, keyed as the source), exactly once, with Kafka transactions.
 * Grants come from the registry topic: one written later applies from the next event on, one deleted or
 * expired stops at once (its end is checked for every event).
 */
@Injectable()
export class ShareRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private pipe?: TransactionalPipe;
  private readonly productOf = new Map<string, ShareProduct>();

  constructor(
    @Inject(INFRA) private readonly infra: ServiceInfra<ShareConfig>,
    private readonly registry: RegistryCache,
    private readonly topics: PartnerTopics,
    private readonly clock: Clock,
  ) {
    for (const [product, key] of Object.entries(SOURCE_TOPIC)) this.productOf.set(this.infra.topics[key], product as ShareProduct);
    infra.readinessChecks.push({ name: 'share', check: async () => this.readiness() });
  }

  async onApplicationBootstrap(): Promise<void> {
    // The registry cache is read to its end before bootstrap: every grant's topics exist before the first event.
    await this.topics.ensure(this.grants());
    this.registry.onChange((type, _id, entity) => {
      if (type === 'grant' && entity) void this.topics.ensure([entity as Grant]).catch((error: Error) => this.infra.logger.error({ err: error.message }, 'partner topics not created'));
    });
    const { config, kafka, logger } = this.infra;
    // Prefixed like the topics, so deployments (and test runs) sharing a broker never share a group or a transactional id.
    const prefix = config.KAFKA_TOPIC_PREFIX;
    this.pipe = new TransactionalPipe(
      kafka,
      { groupId: `${prefix}${config.SHARE_GROUP_ID}`, topics: [...this.productOf.keys()], transactionalId: `${prefix}${config.SHARE_TRANSACTIONAL_ID}`, transform: (input) => this.transform(input) },
      logger,
    );
    await this.pipe.start();
  }

  /** Ready while the pipe runs: one stopped for good (a fenced producer) takes the instance out of service, to be restarted. */
  readiness(): void {
    const failure = this.pipe?.failure;
    if (failure) throw new Error(`share pipe stopped: ${failure.message}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pipe?.stop();
  }

  private transform(input: PipedInput): PipedOutput[] {
    const product = this.productOf.get(input.topic)!;
    let event: unknown;
    try {
      event = input.value === null ? null : JSON.parse(input.value.toString('utf8'));
    } catch {
      event = null;
    }
    if (event === null || typeof event !== 'object') {
      unreadable.inc({ product });
      this.infra.logger.warn({ topic: input.topic, partition: input.partition, offset: input.offset }, 'source message is not a JSON object: not shared');
      return [];
    }
    const copies = partnerCopies(this.grants(), product, event, this.clock.now(), (siteId) => this.registry.get('site', siteId)?.pilotId);
    shared.inc({ product }, copies.length);
    const prefix = this.infra.config.KAFKA_TOPIC_PREFIX;
    return copies.map(({ partnerId, view }) => ({ topic: `${prefix}${shareTopicName(partnerId, product)}`, key: input.key, value: JSON.stringify(view) }));
  }

  private grants(): Grant[] {
    return this.registry.all('grant');
  }
}
