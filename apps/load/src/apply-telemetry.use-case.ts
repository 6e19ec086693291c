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

  async execute(tx: EntityManager, messages: ConsumedMessage<TelemetryReport>[]): Promise<void> {
    const { topic, partition } = messages[0];
    const { LOAD_WINDOW_MS: windowMs, LOAD_OUT_OF_ORDER_MS: outOfOrderMs, LOAD_ALLOWED_LATENESS_MS: latenessMs } = this.infra.config;
    const cells: CellSampleRow[] = [];
    const gpus: GpuSampleRow[] = [];
    // Each report is judged against the watermark as it stood before that report, in partition order,
    // so the outcome does not depend on how Kafka happened to batch the messages.
    const storedMax = await this.repository.maxEventTime(tx, topic, partition);
    let maxEventTime = storedMax;
    for (const { value: report, headers } of messages) {
      const watermark = watermarkOf(maxEventTime, outOfOrderMs);
      const isTooLate = (ts: number) => latenessOf(windowOfSample(ts, windowMs), watermark, latenessMs) === 'too-late';
      const origin = { operatorId: report.operatorId, siteId: report.siteId, traceparent: headers.traceparent ?? null };
      for (const sample of report.cells) cells.push({ ...origin, sample, tooLate: isTooLate(sample.ts) });
      for (const sample of report.gpus) gpus.push({ ...origin, sample, tooLate: isTooLate(sample.ts) });
      for (const ts of [...report.cells.map((c) => c.ts), ...report.gpus.map((g) => g.ts), ...report.heartbeats]) maxEventTime = Math.max(maxEventTime, ts);
    }

    const [newCells, newGpus] = [await this.repository.insertNewCellSamples(tx, cells), await this.repository.insertNewGpuSamples(tx, gpus)];
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
    await this.repository.markOpen(tx, topic, partition, [...opened.values()]);

    if (maxEventTime === -Infinity) return;
    if (maxEventTime > storedMax) await this.repository.advanceMaxEventTime(tx, topic, partition, maxEventTime);
    // Also closes windows that late samples of this batch re-opened behind the watermark (revisions).
    const closable = await this.repository.takeClosable(tx, topic, partition, watermarkOf(maxEventTime, outOfOrderMs));
    if (closable.length > 0) await this.closeWindows.execute(tx, closable);
  }
}
