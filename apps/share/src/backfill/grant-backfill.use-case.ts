import { Inject, Injectable } from '@nestjs/common';
import type { Grant, ShareProduct } from '@airan/contracts';
import { faultPoint } from '@airan/config';
import { INFRA, type ServiceInfra } from '@airan/http';
import { RegistryCache } from '@airan/kafka';
import { counter } from '@airan/observability';
import { HISTORY_SOURCE, type HistoryEvent, backfillView, readSourceEvent, reachedSeam } from '@airan/share-model';
import type { ShareConfig } from '../share.config';
import { SOURCE_TOPIC } from '../share.products';
import { type BackfillCopy, BackfillProgressRepository } from './backfill-progress.repository';
import { ShareHistoryRepository } from './share-history.repository';
import { type Positions, SourcePositionsRepository } from './source-positions.repository';

/** Copies per transaction: a killed backfill redoes at most this many, and no transaction nears its timeout. */
const CHUNK = 500;
const POLL_MS = 200;

/** The events of a grant's window that history holds, in the order the source published them per key. */
interface History {
  readonly events: AsyncIterable<HistoryEvent>;
  close(): Promise<void>;
}

const backfilled = counter('airan_share_backfilled_total', 'Events copied to partner topics from history, by product', ['product']);

/**
 * Backfills a grant written later: every event of its window that history holds and the live path did not
 * copy, onto the partner's topics, before the live path applies the grant (the caller stops the pipe for
 * the time being). The seam is the share group's committed offsets: events before them are the backfill's,
 * events from them on the live path's (docs/partners.md, "Backfill").
 */
@Injectable()
export class GrantBackfillUseCase {
  constructor(
    @Inject(INFRA) private readonly infra: ServiceInfra<ShareConfig>,
    private readonly registry: RegistryCache,
    private readonly history: ShareHistoryRepository,
    private readonly positions: SourcePositionsRepository,
    private readonly progress: BackfillProgressRepository,
  ) {}

  /** Whether every backfilled product of the grant is on its partner's topics (then the live path may apply it). */
  async isDone(grant: Grant): Promise<boolean> {
    for (const product of grant.products) if (!(await this.progress.progress(grant, product)).done) return false;
    return true;
  }

  /** Runs (or resumes) the grant's backfill; the live pipe must be stopped meanwhile. `others`: the grants the live path applies. */
  async execute(grant: Grant, others: readonly Grant[]): Promise<void> {
    for (const product of grant.products) {
      const progress = await this.progress.progress(grant, product);
      if (!progress.done) await this.backfill(grant, others, product, progress.written);
    }
  }

  private async backfill(grant: Grant, others: readonly Grant[], product: ShareProduct, alreadyWritten: number): Promise<void> {
    const topic = this.infra.topics[SOURCE_TOPIC[product]];
    const seam = await this.positions.committed(topic);
    const source = HISTORY_SOURCE[product];
    const history = source.from === 'topic' ? await this.fromTopic(topic, seam, source.timeOf, grant) : await this.fromPostgres(topic, seam, product, grant);
    try {
      // Events published from the seam on are the live path's, even when history holds them.
      const live = await this.positions.idsBetween(topic, seam, await this.positions.ends(topic));
      const pilotOfSite = (siteId: string) => this.registry.get('site', siteId)?.pilotId;
      let given = 0;
      let chunk: BackfillCopy[] = [];
      for await (const event of history.events) {
        const view = backfillView(grant, others, product, event, live, pilotOfSite);
        if (view === undefined || ++given <= alreadyWritten) continue;
        chunk.push({ key: event.key, value: JSON.stringify(view) });
        if (chunk.length === CHUNK) {
          await this.progress.write(grant, product, chunk, { written: given, done: false });
          backfilled.inc({ product }, chunk.length);
          chunk = [];
        }
      }
      await this.progress.write(grant, product, chunk, { written: given, done: true });
      backfilled.inc({ product }, chunk.length);
      // The backfill is committed, the pipe not started: a crash here is one at the seam.
      faultPoint('share.backfill.done');
      this.infra.logger.info({ grantId: grant.id, partnerId: grant.partnerId, product, events: given }, 'grant backfilled from history');
    } finally {
      await history.close();
    }
  }

  /**
   * History in Postgres, read in one snapshot that holds every event before the seam: load writes a window
   * before its outbox publishes it, and the api records an alert once it read it from the topic.
   */
  private async fromPostgres(topic: string, seam: Positions, product: ShareProduct, grant: Grant): Promise<History> {
    if (product === 'alerts') await this.until(async () => reachedSeam(await this.history.readModelOffsets(topic), seam), 'the api to record the alerts before the seam');
    const snapshot = await this.history.snapshot();
    try {
      // Once what this snapshot saw unpublished is out, the topic holds every event the snapshot does, and
      // those from the seam on are known to be the live path's.
      const lastRow = await snapshot.lastUnpublishedOutboxRow(topic);
      if (lastRow !== undefined) await this.until(() => this.history.outboxPublishedThrough(topic, lastRow), "load's outbox to publish what the snapshot holds");
    } catch (error) {
      await snapshot.close();
      throw error;
    }
    return { events: snapshot.events(product, grant), close: () => snapshot.close() };
  }

  /**
   * History on the source topic itself: its events before the seam, from the first record written at the
   * grant's `validFrom` (no event that counts was written earlier), in the same order on every run, so a
   * resumed backfill skips exactly what it committed. Unreadable events are skipped, as the live path skips them.
   */
  private async fromTopic(topic: string, seam: Positions, timeOf: (event: object) => number, grant: Grant): Promise<History> {
    const from = await this.positions.writtenFrom(topic, Date.parse(grant.validFrom));
    const messages = this.positions.messagesBetween(topic, from, seam);
    async function* events(): AsyncGenerator<HistoryEvent> {
      for await (const message of messages) {
        const read = readSourceEvent(message.value);
        if ('event' in read) yield { key: message.key?.toString('utf8') ?? null, event: read.event, at: timeOf(read.event) };
      }
    }
    return { events: events(), close: async () => void (await messages.return(undefined)) };
  }

  /** Waits for another service (the api's read model, load's outbox relay); said once, since the pipe waits too. */
  private async until(condition: () => Promise<boolean>, waitingFor: string): Promise<void> {
    let told = false;
    while (!(await condition())) {
      if (!told) this.infra.logger.warn({ waitingFor }, 'grant backfill waiting; live copies are held meanwhile');
      told = true;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
