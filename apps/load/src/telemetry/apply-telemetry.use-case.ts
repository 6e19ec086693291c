import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { faultPoint } from '@airan/config';
import type { RollupWindow, TelemetryReport } from '@airan/contracts';
import { OutboxRepository } from '@airan/database';
import { INFRA, type ServiceInfra } from '@airan/http';
import type { ConsumedMessage } from '@airan/kafka';
import { type SampleSegment, segmentBatch } from '@airan/load-model';
import { counter, injectTraceHeaders, withSpan } from '@airan/observability';
import type { LoadConfig } from '../load.config';
import { LoadRegistry } from '../registry/load-registry.view';
import { RollupAccumulator } from '../rollups/rollup.accumulator';
import { rollupEvent } from '../rollups/rollup.events';
import { RollupRepository } from '../rollups/rollup.repository';
import { timed } from '../step-timer';
import { CloseWindowsUseCase } from '../windows/close-windows.use-case';
import { WindowOpenings } from '../windows/window-openings';
import { WindowRepository } from '../windows/window.repository';
import { type PartitionState, PartitionStates } from './partition-state.store';
import { type CellSampleRow, type GpuSampleRow, SampleRepository, type SampleOrigin } from './sample.repository';
import { WatermarkRepository } from './watermark.repository';

const duplicates = counter('airan_load_duplicate_samples_total', 'Samples already stored (same identity), counted once', ['kind']);
const stateRestores = counter('airan_load_partition_state_restores_total', 'Partition states read back from Postgres: after a start, a rebalance or a failed batch');
const tooLate = counter('airan_load_too_late_samples_total', 'Samples beyond the allowed lateness: kept, but revising no window', ['kind']);

/**
 * Applies one partition's batch of telemetry reports: store new samples (each identity once), open
 * the windows they touch, advance the partition's watermark and close the windows it passed. Which
 * samples are on time, late or too late, and which reports are applied together, is segmentBatch's
 * decision (load-model): the batch is applied segment by segment.
 */
@Injectable()
export class ApplyTelemetryUseCase {
  constructor(
    @Inject(INFRA) private readonly infra: ServiceInfra<LoadConfig>,
    private readonly samples: SampleRepository,
    private readonly watermarks: WatermarkRepository,
    private readonly windows: WindowRepository,
    private readonly rollupRepository: RollupRepository,
    private readonly registry: LoadRegistry,
    private readonly closeWindows: CloseWindowsUseCase,
    private readonly outbox: OutboxRepository,
    private readonly states: PartitionStates,
  ) {}

  execute(tx: EntityManager, messages: ConsumedMessage<TelemetryReport>[]): Promise<void> {
    return timed('handler', () => this.apply(tx, messages));
  }

  private async apply(tx: EntityManager, messages: ConsumedMessage<TelemetryReport>[]): Promise<void> {
    const { topic, partition } = messages[0];
    const { LOAD_WINDOW_MS: windowMs, LOAD_OUT_OF_ORDER_MS: outOfOrderMs, LOAD_ALLOWED_LATENESS_MS: allowedLatenessMs } = this.infra.config;
    const state = this.states.kept(topic, partition, messages[0].offset) ?? (await timed('restore-state', () => this.restoreState(tx, topic, partition)));
    const { segments, repeats } = segmentBatch(state.maxEventTime, messages.map((m) => m.value), { windowMs, outOfOrderMs, allowedLatenessMs });
    duplicates.inc({ kind: 'cell' }, repeats.cells);
    duplicates.inc({ kind: 'gpu' }, repeats.gpus);
    const origins = messages.map(({ value, headers }) => ({ operatorId: value.operatorId, siteId: value.siteId, traceparent: headers.traceparent ?? null }));
    const rollups = new RollupAccumulator();
    for (const segment of segments) await this.applySegment(tx, topic, partition, segment, origins, rollups, state);
    // Last: the operator and pilot rows are shared with every other partition's transaction.
    const changed = await timed('rollups', () => this.rollupRepository.addToRollups(tx, rollups));
    await this.publishRollups(tx, changed.map(rollupEvent));
    this.states.batchApplied(topic, partition, messages[messages.length - 1].offset + 1n);
  }

  /** The partition's state as Postgres holds it: the first batch here since a start, a rebalance or a failed batch. */
  private async restoreState(tx: EntityManager, topic: string, partition: number): Promise<PartitionState> {
    stateRestores.inc();
    const maxEventTime = await this.watermarks.maxEventTime(tx, topic, partition);
    const openWindows = await this.windows.openWindowsOf(tx, topic, partition);
    return this.states.restored(topic, partition, { maxEventTime, openWindows });
  }

  /** A row's totals sum many reports' samples: its events carry the span of this change, not a request's (the cell-load events link the requests theirs came from). */
  private async publishRollups(tx: EntityManager, events: RollupWindow[]): Promise<void> {
    if (events.length === 0) return;
    await withSpan('load.rollups', { attributes: { 'airan.rollups': events.length } }, () => {
      const headers = injectTraceHeaders();
      return timed('outbox', () => this.outbox.add(tx, events.map((event) => ({ eventId: event.id, topic: this.infra.topics.rollups, key: event.scopeId, value: event, headers }))));
    });
  }

  /** Stores a segment's samples, opens their windows, moves event time and closes what the watermark passed. */
  private async applySegment(
    tx: EntityManager,
    topic: string,
    partition: number,
    { cells: placedCells, gpus: placedGpus, fromMax, toMax, watermark }: SampleSegment,
    origins: readonly Omit<SampleOrigin, 'tooLate'>[],
    rollups: RollupAccumulator,
    state: PartitionState,
  ): Promise<void> {
    const windowMs = this.infra.config.LOAD_WINDOW_MS;
    const cells: CellSampleRow[] = placedCells.map((p) => ({ ...origins[p.report], sample: p.sample, tooLate: p.lateness === 'too-late' }));
    const gpus: GpuSampleRow[] = placedGpus.map((p) => ({ ...origins[p.report], sample: p.sample, tooLate: p.lateness === 'too-late' }));
    // Repeats within the batch are gone already; what is left to skip was stored by an earlier batch.
    const [newCells, newGpus] = await timed('insert-samples', async () => [await this.samples.insertNewCellSamples(tx, cells), await this.samples.insertNewGpuSamples(tx, gpus)]);
    duplicates.inc({ kind: 'cell' }, cells.length - newCells.length);
    duplicates.inc({ kind: 'gpu' }, gpus.length - newGpus.length);
    tooLate.inc({ kind: 'cell' }, newCells.filter((r) => r.tooLate).length);
    tooLate.inc({ kind: 'gpu' }, newGpus.filter((r) => r.tooLate).length);

    const openings = new WindowOpenings(windowMs, (node) => this.registry.cellsOf(node));
    for (const r of newCells.filter((c) => !c.tooLate)) {
      state.samples.addCell(r.sample, r.traceparent);
      openings.cell(r.sample.cellId, r.operatorId, r.siteId, r.sample.ts);
      const node = this.registry.servingNode(r.sample.cellId);
      if (node) openings.node(node, r.sample.ts);
    }
    for (const r of newGpus.filter((g) => !g.tooLate)) {
      state.samples.addGpu(r.sample);
      openings.node(r.sample.node, r.sample.ts);
    }
    // Only windows not open yet are written; most samples fall in a window an earlier one opened.
    const firstOpened = state.openWindows.open(openings.windows());
    await timed('mark-open', () => this.windows.insertOpen(tx, topic, partition, firstOpened));
    if (firstOpened.length > 0) faultPoint('load.open-windows.written');

    if (toMax === -Infinity) return;
    if (toMax > fromMax) {
      await timed('watermark', () => this.watermarks.advanceMaxEventTime(tx, topic, partition, toMax));
      state.advance(toMax);
    }
    // Also closes windows that late samples re-opened behind the watermark (revisions).
    const closable = state.openWindows.takeClosable(watermark);
    if (closable.length > 0) {
      await timed('take-closable', () => this.windows.deleteClosed(tx, topic, partition, watermark));
      await this.closeWindows.execute(tx, closable, rollups, state.samples);
    }
    state.samples.closedUpTo(watermark);
  }
}
