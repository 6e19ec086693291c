import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { type Grant, type ShareProduct, shareTopicName } from '@airan/contracts';
import { faultPoint } from '@airan/config';
import { INFRA, type ServiceInfra } from '@airan/http';
import { RenewableProducer } from '@airan/kafka';
import type { ShareConfig } from '../share.config';

/** How far a grant's backfill of one product has got: copies committed, and whether it finished. */
export interface BackfillProgress {
  readonly written: number;
  readonly done: boolean;
}

/** Copies for a partner topic, keyed as the source. */
export interface BackfillCopy {
  readonly key: string | null;
  readonly value: string;
}

/** The partner topic's partitions whose offsets in the progress group hold the count of copies and the end mark. */
const WRITTEN_PARTITION = 0;
const DONE_PARTITION = 1;

/**
 * Backfill copies and their progress, committed together in one Kafka transaction: the progress is the
 * offsets of a group of the grant's own on the partner topic (`<share group>.backfill.<grantId>`; partition 0:
 * copies written, partition 1: 1 once finished). No Postgres row could commit atomically with the copies;
 * a group offset does, so a backfill killed at any point resumes after exactly what a read_committed reader sees.
 */
@Injectable()
export class BackfillProgressRepository implements OnApplicationShutdown {
  /** Renewed, with a new epoch, after a failed transaction (see RenewableProducer). */
  private readonly producer: RenewableProducer;

  constructor(@Inject(INFRA) private readonly infra: ServiceInfra<ShareConfig>) {
    const { config, kafka } = infra;
    // Its own stable transactional id: a restarted share fences what a killed backfill left open, and the live pipe's never fences it.
    const transactionalId = `${config.KAFKA_TOPIC_PREFIX}${config.SHARE_TRANSACTIONAL_ID}.backfill`;
    this.producer = new RenewableProducer(() => kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false }));
  }

  async progress(grant: Grant, product: ShareProduct): Promise<BackfillProgress> {
    const admin = this.infra.kafka.admin();
    await admin.connect();
    try {
      const [committed] = await admin.fetchOffsets({ groupId: this.groupOf(grant), topics: [this.topicOf(grant, product)] });
      const offset = (partition: number) => Math.max(0, Number(committed.partitions.find((p) => p.partition === partition)?.offset ?? -1));
      return { written: offset(WRITTEN_PARTITION), done: offset(DONE_PARTITION) === 1 };
    } finally {
      await admin.disconnect();
    }
  }

  /** Writes copies and the progress after them, in one transaction. */
  async write(grant: Grant, product: ShareProduct, copies: readonly BackfillCopy[], progress: BackfillProgress): Promise<void> {
    const producer = await this.producer.current();
    const topic = this.topicOf(grant, product);
    const transaction = await producer.transaction();
    try {
      if (copies.length > 0) {
        await transaction.send({ topic, acks: -1, messages: copies.map((c) => ({ key: c.key, value: c.value })) });
        // Copies sent, the transaction open: a crash here must leave them invisible to read_committed readers.
        faultPoint('share.backfill.sent');
      }
      await transaction.sendOffsets({
        consumerGroupId: this.groupOf(grant),
        topics: [{ topic, partitions: [{ partition: WRITTEN_PARTITION, offset: String(progress.written) }, { partition: DONE_PARTITION, offset: progress.done ? '1' : '0' }] }],
      });
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      this.producer.spoil();
      throw error;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect();
  }

  private groupOf(grant: Grant): string {
    return `${this.infra.config.KAFKA_TOPIC_PREFIX}${this.infra.config.SHARE_GROUP_ID}.backfill.${grant.id}`;
  }

  private topicOf(grant: Grant, product: ShareProduct): string {
    return `${this.infra.config.KAFKA_TOPIC_PREFIX}${shareTopicName(grant.partnerId, product)}`;
  }
}
