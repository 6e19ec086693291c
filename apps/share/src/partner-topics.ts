import { Inject, Injectable } from '@nestjs/common';
import { type Grant, TOPICS, type TopicSpec, shareTopicName } from '@airan/contracts';
import { INFRA, type ServiceInfra } from '@airan/http';
import { ensureTopics } from '@airan/kafka';
import type { ShareConfig } from './share.config';
import { SOURCE_TOPIC, partitionsOf } from './share.products';

/**
 * Creates each partner's topics for the products its grants name, before anything is written to them
 * (the broker never auto-creates topics): at start-up for every grant, then for each grant written.
 */
@Injectable()
export class PartnerTopics {
  constructor(@Inject(INFRA) private readonly infra: ServiceInfra<ShareConfig>) {}

  async ensure(grants: readonly Grant[]): Promise<void> {
    const specs = new Map<string, TopicSpec>();
    for (const grant of grants) {
      for (const product of grant.products) {
        const name = shareTopicName(grant.partnerId, product);
        specs.set(name, { name, partitions: partitionsOf(product), retentionMs: TOPICS[SOURCE_TOPIC[product]].retentionMs, cleanupPolicy: 'delete' });
      }
    }
    if (specs.size === 0) return;
    const admin = this.infra.kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, this.infra.config.KAFKA_TOPIC_PREFIX, 1, [...specs.values()]);
    } finally {
      await admin.disconnect();
    }
  }
}
