import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CELL_LOAD_SCHEMA, type CellLoadWindow, type TelemetryReport, stableEventId } from '@airan/contracts';
import { OutboxRepository } from '@airan/database';
import { INFRA, type ServiceInfra } from '@airan/http';
import type { ConsumedMessage } from '@airan/kafka';
import { computeCellWindow, watermarkOf, windowOfSample } from '@airan/load-model';
import { counter, injectTraceHeaders, linkFromHeaders, traceIdOf, withSpan } from '@airan/observability';
import type { LoadConfig } from './load.config';
import { type ClosedWindow, LoadRepository, type OpenWindow, type SampleRow, windowKey } from './load.repository';

/** At most this many source traces are linked from one window (span links and event field). */
const MAX_SOURCE_TRACES = 32;

const windowsClosed = counter('airan_load_windows_closed_total', 'Cell windows closed, by whether they were revisions', ['kind']);
const duplicates = counter('airan_load_duplicate_samples_total', 'Samples already stored (same cell and timestamp), counted once');

/**
 * Applies one partition's batch of telemetry reports: store new samples (each identity once), open
 * their windows, advance the partition's watermark and close the windows it passed, writing each
 * closed window and its `airan.cell-load.v1` event in the same transaction.
 */
@Injectable()
export class ApplyTelemetryUseCase {
  private readonly outbox = new OutboxRepository('load');

  constructor(
    @Inject(INFRA) private readonly infra: ServiceInfra<LoadConfig>,
    private readonly repository: LoadRepository,
  ) {}

  async execute(tx: EntityManager, messages: ConsumedMessage<TelemetryReport>[]): Promise<void> {
    const { topic, partition } = messages[0];
    const windowMs = this.infra.config.LOAD_WINDOW_MS;

    const rows: SampleRow[] = [];
    let maxEventTime = -Infinity;
    for (const { value: report, headers } of messages) {
      const traceparent = headers.traceparent ?? null;
      for (const sample of report.cells) rows.push({ operatorId: report.operatorId, siteId: report.siteId, sample, traceparent });
      for (const ts of [...report.cells.map((c) => c.ts), ...report.gpus.map((g) => g.ts), ...report.heartbeats]) maxEventTime = Math.max(maxEventTime, ts);
    }

    const inserted = await this.repository.insertNewSamples(tx, rows);
    duplicates.inc(rows.length - inserted.length);
    const origin = new Map(rows.map((r) => [r.sample.cellId, r]));
    const opened = new Map<string, OpenWindow>();
    for (const { cellId, ts } of inserted) {
      const bounds = windowOfSample(ts, windowMs);
      const { operatorId, siteId } = origin.get(cellId)!;
      opened.set(windowKey(cellId, bounds.start), { cellId, ...bounds, operatorId, siteId });
    }
    await this.repository.markOpen(tx, topic, partition, [...opened.values()]);

    if (maxEventTime === -Infinity) return;
    const maxSeen = await this.repository.advanceMaxEventTime(tx, topic, partition, maxEventTime);
    const closable = await this.repository.takeClosable(tx, topic, partition, watermarkOf(maxSeen, this.infra.config.LOAD_OUT_OF_ORDER_MS));
    if (closable.length > 0) await this.close(tx, closable);
  }

  private async close(tx: EntityManager, windows: OpenWindow[]): Promise<void> {
    const [samples, revisions] = await Promise.all([this.repository.samplesOf(tx, windows), this.repository.lastRevisions(tx, windows)]);
    const closed: ClosedWindow[] = windows.map((w) => {
      const key = windowKey(w.cellId, w.start);
      const previous = revisions.get(key);
      const revision = previous === undefined ? 0 : previous + 1;
      const metrics = computeCellWindow({ window: w, samples: samples.get(key) ?? [], allocatedGpus: this.infra.config.LOAD_DEFAULT_CELL_GPUS });
      return { ...w, revision, metrics, eventId: stableEventId('cell-load', w.cellId, w.start, revision) };
    });
    await this.repository.saveWindows(tx, closed);

    const sources = (w: ClosedWindow) => distinct((samples.get(windowKey(w.cellId, w.start)) ?? []).flatMap((s) => (s.traceparent ? [s.traceparent] : [])));
    // One span for the windows closed together, linked to the ingest requests whose samples built them.
    const links = distinct(closed.flatMap(sources)).flatMap((traceparent) => linkFromHeaders({ traceparent }) ?? []);
    await withSpan('load.close-windows', { links, attributes: { 'airan.windows': closed.length } }, async () => {
      const headers = injectTraceHeaders();
      await this.outbox.add(
        tx,
        closed.map((w) => ({ eventId: w.eventId, topic: this.infra.topics.cellLoad, key: w.cellId, value: toEvent(w, sourceTraceIds(sources(w))), headers })),
      );
    });
    windowsClosed.inc({ kind: 'first' }, closed.filter((w) => w.revision === 0).length);
    windowsClosed.inc({ kind: 'revision' }, closed.filter((w) => w.revision > 0).length);
  }
}

const distinct = (values: string[]) => [...new Set(values)].slice(0, MAX_SOURCE_TRACES);
const sourceTraceIds = (traceparents: string[]) => distinct(traceparents.flatMap((tp) => traceIdOf({ traceparent: tp }) ?? []));

function toEvent(w: ClosedWindow, sourceTraceIds: string[]): CellLoadWindow {
  return {
    schema: CELL_LOAD_SCHEMA,
    id: w.eventId,
    operatorId: w.operatorId,
    siteId: w.siteId,
    cellId: w.cellId,
    windowStart: new Date(w.start).toISOString(),
    windowEnd: new Date(w.end).toISOString(),
    revision: w.revision,
    ...w.metrics,
    sourceTraceIds,
  };
}
