import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { TelemetryReport } from '@airan/contracts';
import { INFRA, type ServiceInfra } from '@airan/http';
import type { ConsumedMessage } from '@airan/kafka';
import { latenessOf, watermarkOf, windowOfSample } from '@airan/load-model';
import { counter } from '@airan/observability';
import { CloseWindowsUseCase } from './close-windows.use-case';
import type { LoadConfig } from './load.config';
import { LoadRegistry } from './load-registry';
import { type CellSampleRow, type GpuSampleRow, LoadRepository, type OpenWindow, windowKey } from './load.repository';
import { RollupAccumulator } from './rollup-accumulator';
import { timed } from './step-timer';

/** Consecutive reports of one partition applied together; `fromMax`/`toMax`: the largest event time before and after them. */
interface Segment {
  readonly cells: CellSampleRow[];
  readonly gpus: GpuSampleRow[];
  readonly fromMax: number;
  toMax: number;
}

const duplicates = counter('airan_load_duplicate_samples_total', 'Samples already stored (same identity), counted once', ['kind']);
const tooLate = counter('airan_load_too_late_samples_total', 'Samples beyond the allowed lateness: kept, but revising no window', ['kind']);

/**
 * Applies one partition's batch of telemetry reports: store new samples (each identity once), open
 * the windows they touch, advance the partition's watermark and close the windows it passed.
 */
@Injectable()
export class ApplyTelemetryUseCase {
  constructor(
    @Inject(INFRA) private readonly infra: ServiceInfra<LoadConfig>,
    private readonly repository: LoadRepository,
    private readonly registry: LoadRegistry,
    private readonly closeWindows: CloseWindowsUseCase,
  ) {}

  execute(tx: EntityManager, messages: ConsumedMessage<TelemetryReport>[]): Promise<void> {
    return timed('handler', () => this.apply(tx, messages));
  }

  private async apply(tx: EntityManager, messages: ConsumedMessage<TelemetryReport>[]): Promise<void> {
    const { topic, partition } = messages[0];
    const { LOAD_WINDOW_MS: windowMs, LOAD_OUT_OF_ORDER_MS: outOfOrderMs, LOAD_ALLOWED_LATENESS_MS: latenessMs } = this.infra.config;
    // Each report is judged against the watermark as it stood before that report, in partition order.
    // A report with a late sample (its window may already be closed by an earlier report of this batch)
    // starts a new segment, and each segment is applied on its own: the outcome is the same as if every
    // report came in a batch of its own, whatever batches Kafka, a crash or a rebalance produce.
    const storedMax = await timed('watermark', () => this.repository.maxEventTime(tx, topic, partition));
    const rollups = new RollupAccumulator();
    let segment: Segment = { cells: [], gpus: [], fromMax: storedMax, toMax: storedMax };
    for (const { value: report, headers } of messages) {
      const watermark = watermarkOf(segment.toMax, outOfOrderMs);
      const lateness = (ts: number) => latenessOf(windowOfSample(ts, windowMs), watermark, latenessMs);
      const segmentStarted = segment.cells.length > 0 || segment.gpus.length > 0 || segment.toMax > segment.fromMax;
      if (segmentStarted && (report.cells.some((c) => lateness(c.ts) === 'late') || report.gpus.some((g) => lateness(g.ts) === 'late'))) {
        await this.applySegment(tx, topic, partition, segment, rollups);
        segment = { cells: [], gpus: [], fromMax: segment.toMax, toMax: segment.toMax };
      }
      const { operatorId, siteId } = report;
      const traceparent = headers.traceparent ?? null;
      let toMax = segment.toMax;
      for (const sample of report.cells) {
        segment.cells.push({ operatorId, siteId, traceparent, sample, tooLate: lateness(sample.ts) === 'too-late' });
        toMax = Math.max(toMax, sample.ts);
      }
      for (const sample of report.gpus) {
        segment.gpus.push({ operatorId, siteId, traceparent, sample, tooLate: lateness(sample.ts) === 'too-late' });
        toMax = Math.max(toMax, sample.ts);
      }
      for (const ts of report.heartbeats) toMax = Math.max(toMax, ts);
      segment.toMax = toMax;
    }
    await this.applySegment(tx, topic, partition, segment, rollups);
    // Last: the operator and pilot rows are shared with every other partition's transaction.
    await timed('rollups', () => this.repository.addToRollups(tx, rollups));
  }

  /** Stores a segment's samples, opens their windows, moves event time and closes what the watermark passed. */
  private async applySegment(tx: EntityManager, topic: string, partition: number, { cells, gpus, fromMax, toMax }: Segment, rollups: RollupAccumulator): Promise<void> {
    const windowMs = this.infra.config.LOAD_WINDOW_MS;
    const [newCells, newGpus] = await timed('insert-samples', async () => [await this.repository.insertNewCellSamples(tx, cells), await this.repository.insertNewGpuSamples(tx, gpus)]);
    duplicates.inc({ kind: 'cell' }, cells.length - newCells.length);
    duplicates.inc({ kind: 'gpu' }, gpus.length - newGpus.length);
    tooLate.inc({ kind: 'cell' }, newCells.filter((r) => r.tooLate).length);
    tooLate.inc({ kind: 'gpu' }, newGpus.filter((r) => r.tooLate).length);

    const opened = new Map<string, OpenWindow>();
    const open = (cellId: string, operatorId: string, siteId: string, ts: number) => {
      const bounds = windowOfSample(ts, windowMs);
      opened.set(windowKey(cellId, bounds.start), { cellId, operatorId, siteId, ...bounds });
    };
    // A node's GPU time is shared by the cells it serves, by their requests: a new sample of any of them
    // (or of the node) opens, or re-opens, all their windows, so every share is computed from the same data.
    const openNode = (node: string, ts: number) => this.registry.cellsOf(node).forEach((c) => open(c.cellId, c.operatorId, c.siteId, ts));
    for (const r of newCells.filter((c) => !c.tooLate)) {
      open(r.sample.cellId, r.operatorId, r.siteId, r.sample.ts);
      const node = this.registry.servingNode(r.sample.cellId);
      if (node) openNode(node, r.sample.ts);
    }
    for (const r of newGpus) if (!r.tooLate) openNode(r.sample.node, r.sample.ts);
    await timed('mark-open', () => this.repository.markOpen(tx, topic, partition, [...opened.values()]));

    if (toMax === -Infinity) return;
    if (toMax > fromMax) await timed('watermark', () => this.repository.advanceMaxEventTime(tx, topic, partition, toMax));
    // Also closes windows that late samples re-opened behind the watermark (revisions).
    const closable = await timed('take-closable', () => this.repository.takeClosable(tx, topic, partition, watermarkOf(toMax, this.infra.config.LOAD_OUT_OF_ORDER_MS)));
    if (closable.length > 0) await this.closeWindows.execute(tx, closable, rollups);
  }
}
