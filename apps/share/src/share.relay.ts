import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type Grant, type ShareProduct, shareTopicName } from '@airan/contracts';
import { INFRA, type ServiceInfra } from '@airan/http';
import { type PipedInput, type PipedOutput, RegistryCache, TransactionalPipe, skipUnknownSchema } from '@airan/kafka';
import { counter } from '@airan/observability';
import { partnerCopies, readSourceEvent } from '@airan/share-model';
import { Clock } from '@airan/system';
import { GrantBackfillUseCase } from './backfill/grant-backfill.use-case';
import { PartnerTopics } from './partner-topics';
import type { ShareConfig } from './share.config';
import { SOURCE_TOPIC } from './share.products';

const shared = counter('airan_share_events_total', 'Events written to partner topics, by product', ['product']);
const unreadable = counter('airan_share_unreadable_total', 'Source messages that are not JSON objects, skipped', ['product']);
/** A backfill that failed (Postgres or Kafka away), or a pipe kafkajs gave up on, is tried again after this long. */
const RETRY_MS = 5000;

/**
 * Reads the source topics and writes each partner's view of every event to its own topic
 * (`airan.share.<partnerId>.<product>.v1`, keyed as the source), exactly once, with Kafka transactions.
 * Grants come from the registry topic: one deleted or expired stops at once (its end is checked for every
 * event); one written later is first backfilled from history with the pipe stopped, and applies to the
 * events the pipe reads once it starts again (the seam: docs/partners.md, "Backfill").
 */
@Injectable()
export class ShareRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private pipe?: TransactionalPipe;
  private readonly productOf = new Map<string, ShareProduct>();
  /** Grants whose backfill is on their partner's topics: the only ones the live path applies. */
  private readonly backfilled = new Set<string>();
  /** Backfills run one after another, each with the pipe stopped. */
  private reconciling: Promise<void> = Promise.resolve();
  private stopping = false;
  /** Why the last pipe stopped, until a new one runs: the instance is not ready meanwhile. */
  private pipeFailure?: Error;

  constructor(
    @Inject(INFRA) private readonly infra: ServiceInfra<ShareConfig>,
    private readonly registry: RegistryCache,
    private readonly topics: PartnerTopics,
    private readonly clock: Clock,
    private readonly backfill: GrantBackfillUseCase,
  ) {
    for (const [product, key] of Object.entries(SOURCE_TOPIC)) this.productOf.set(this.infra.topics[key], product as ShareProduct);
    infra.readinessChecks.push({ name: 'share', check: async () => this.readiness() });
  }

  async onApplicationBootstrap(): Promise<void> {
    // The registry cache is read to its end before bootstrap: every grant's topics exist before the first event.
    await this.topics.ensure(this.grants());
    this.registry.onChange((type, _id, entity) => {
      if (type !== 'grant' || !entity) return;
      void this.topics.ensure([entity as Grant]).catch((error: Error) => this.infra.logger.error({ err: error.message }, 'partner topics not created'));
      this.schedule();
    });
    // Backfills a previous run left unfinished (or grants written while share was down) before the pipe first starts.
    await this.reconcile();
  }

  private schedule(): void {
    this.reconciling = this.reconciling.then(() => this.reconcile()).catch((error: Error) => {
      this.infra.logger.error({ err: error.message }, 'grant backfill or pipe start failed; the pipe stays stopped until it is tried again');
      if (!this.stopping) setTimeout(() => this.schedule(), RETRY_MS).unref();
    });
  }

  /**
   * Backfills every grant not backfilled yet, with the pipe stopped, then (re)starts the pipe. The pipe never
   * runs while a grant's backfill is unfinished: its committed offsets are the seam, which stays where it
   * was when the pipe stopped until the backfill (resumed after a crash as often as needed) is done.
   */
  private async reconcile(): Promise<void> {
    const pending: Grant[] = [];
    for (const grant of this.grants()) {
      if (this.backfilled.has(grant.id)) continue;
      if (await this.backfill.isDone(grant)) this.backfilled.add(grant.id);
      else pending.push(grant);
    }
    if (pending.length > 0) {
      await this.pipe?.stop();
      this.pipe = undefined;
      for (const grant of pending) {
        await this.topics.ensure([grant]);
        await this.backfill.execute(grant, this.liveGrants());
        this.backfilled.add(grant.id);
      }
    }
    if (!this.pipe && !this.stopping) await this.startPipe();
  }

  private async startPipe(): Promise<void> {
    const { config, kafka, logger } = this.infra;
    // Prefixed like the topics, so deployments (and test runs) sharing a broker never share a group or a transactional id.
    const prefix = config.KAFKA_TOPIC_PREFIX;
    this.pipe = new TransactionalPipe(
      kafka,
      {
        groupId: `${prefix}${config.SHARE_GROUP_ID}`,
        topics: [...this.productOf.keys()],
        transactionalId: `${prefix}${config.SHARE_TRANSACTIONAL_ID}`,
        transform: (input) => this.transform(input),
        onStopped: (error) => this.restartPipe(error),
      },
      logger,
    );
    await this.pipe.start();
    this.pipeFailure = undefined;
  }

  /**
   * A pipe kafkajs gave up on is replaced by a new one (a new consumer and producer, the same transactional
   * id, so whatever it left open is fenced and aborted): it resumes from the group's committed offsets, as
   * after a restart of share. Until then the instance is not ready.
   */
  private restartPipe(error: Error): void {
    this.pipeFailure = error;
    const stopped = this.pipe;
    this.pipe = undefined;
    void stopped?.stop().catch(() => undefined);
    if (!this.stopping) setTimeout(() => this.schedule(), RETRY_MS).unref();
  }

  /** Ready while the pipe runs. */
  readiness(): void {
    if (this.pipeFailure) throw new Error(`share pipe stopped, starting a new one: ${this.pipeFailure.message}`);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.reconciling;
    await this.pipe?.stop();
  }

  private transform(input: PipedInput): PipedOutput[] {
    const product = this.productOf.get(input.topic)!;
    const read = readSourceEvent(input.value);
    if ('skipped' in read) {
      if (read.skipped === 'unknown-schema') skipUnknownSchema(this.infra.logger, { topic: input.topic, partition: input.partition, offset: input.offset, schema: read.schema });
      else {
        unreadable.inc({ product });
        this.infra.logger.warn({ topic: input.topic, partition: input.partition, offset: input.offset }, 'source message is not a JSON object: not shared');
      }
      return [];
    }
    const copies = partnerCopies(this.liveGrants(), product, read.event, this.clock.now(), (siteId) => this.registry.get('site', siteId)?.pilotId);
    shared.inc({ product }, copies.length);
    const prefix = this.infra.config.KAFKA_TOPIC_PREFIX;
    return copies.map(({ partnerId, view }) => ({ topic: `${prefix}${shareTopicName(partnerId, product)}`, key: input.key, value: JSON.stringify(view) }));
  }

  private grants(): Grant[] {
    return this.registry.all('grant');
  }

  private liveGrants(): Grant[] {
    return this.grants().filter((grant) => this.backfilled.has(grant.id));
  }
}
