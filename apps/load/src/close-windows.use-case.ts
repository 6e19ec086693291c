import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CELL_LOAD_SCHEMA, type CellLoadWindow, type GpuSample, stableEventId } from '@airan/contracts';
import { OutboxRepository } from '@airan/database';
import { INFRA, type ServiceInfra } from '@airan/http';
import { ZERO_SUMS, type RollupSums, attributeAiTime, attributeRadioTime, computeCellWindow, nodeGpuTime, subtractSums } from '@airan/load-model';
import { counter, injectTraceHeaders, linkFromHeaders, traceIdOf, withSpan } from '@airan/observability';
import type { LoadConfig } from './load.config';
import { LoadRegistry } from './load-registry';
import { type ClosedWindow, LoadRepository, type OpenWindow, type StoredCellSample, windowKey } from './load.repository';

/** At most this many source traces are linked from one window (span links and event field). */
const MAX_SOURCE_TRACES = 32;

const windowsClosed = counter('airan_load_windows_closed_total', 'Cell windows closed, by whether they were revisions', ['kind']);

type NodeShares = Map<string, { attributedAiGpuMs: number | null; radioGpuMs: number | null }>;

/**
 * Computes the windows the watermark passed: each cell with its serving node's GPU time attributed
 * (docs/load-model.md), stores them with their revision, moves the site, pilot and operator rollups by
 * the difference, and writes one `airan.cell-load.v1` event per window to the outbox.
 */
@Injectable()
export class CloseWindowsUseCase {
  private readonly outbox = new OutboxRepository('load');

  constructor(
    @Inject(INFRA) private readonly infra: ServiceInfra<LoadConfig>,
    private readonly repository: LoadRepository,
    private readonly registry: LoadRegistry,
  ) {}

  async execute(tx: EntityManager, windows: OpenWindow[]): Promise<void> {
    // Cells sharing a node are attributed together, so their samples are read even if only one closes.
    const nodeWindows = new Map<string, { node: string; start: number; end: number }>();
    for (const w of windows) {
      const node = this.registry.servingNode(w.cellId);
      if (node) nodeWindows.set(windowKey(node, w.start), { node, start: w.start, end: w.end });
    }
    const siblings = [...nodeWindows.values()].flatMap(({ node, start, end }) => this.registry.cellsOf(node).map((c) => ({ cellId: c.cellId, start, end })));
    const cellWindows = new Map([...windows, ...siblings].map((w) => [windowKey(w.cellId, w.start), w]));
    const [samples, gpuSamples, previous] = [
      await this.repository.cellSamplesOf(tx, [...cellWindows.values()]),
      await this.repository.gpuSamplesOf(tx, [...nodeWindows.values()]),
      await this.repository.previousWindows(tx, windows),
    ];
    const shares = this.nodeShares(nodeWindows, samples, gpuSamples);

    // A sibling opened only because its node changed, with neither samples nor node time, says nothing: skip it.
    const informative = windows.filter((w) => samples.has(windowKey(w.cellId, w.start)) || hasNodeTime(shares.get(windowKey(w.cellId, w.start))) || previous.has(windowKey(w.cellId, w.start)));
    const closed: ClosedWindow[] = informative.map((w) => {
      const key = windowKey(w.cellId, w.start);
      const revision = (previous.get(key)?.revision ?? -1) + 1;
      const metrics = computeCellWindow({ window: w, samples: samples.get(key) ?? [], allocatedGpus: this.registry.allocatedGpus(w.cellId), node: shares.get(key) });
      return { ...w, pilotId: this.registry.pilotOf(w.siteId) ?? null, revision, metrics, eventId: stableEventId('cell-load', w.cellId, w.start, revision) };
    });
    if (closed.length === 0) return;
    await this.repository.saveWindows(tx, closed);
    await this.repository.addToRollups(tx, closed.flatMap((w) => rollupDeltas(w, previous.get(windowKey(w.cellId, w.start))?.sums ?? ZERO_SUMS)));
    await this.publish(tx, closed, samples);
    windowsClosed.inc({ kind: 'first' }, closed.filter((w) => w.revision === 0).length);
    windowsClosed.inc({ kind: 'revision' }, closed.filter((w) => w.revision > 0).length);
  }

  /** Each node window's AI and radio GPU time, split among the cells it serves. */
  private nodeShares(nodeWindows: Map<string, { node: string; start: number; end: number }>, samples: Map<string, StoredCellSample[]>, gpuSamples: Map<string, GpuSample[]>): NodeShares {
    const shares: NodeShares = new Map();
    for (const [key, { node, start, end }] of nodeWindows) {
      const time = nodeGpuTime(gpuSamples.get(key) ?? [], end - start);
      const cells = this.registry.cellsOf(node).map(({ cellId }) => {
        const own = samples.get(windowKey(cellId, start)) ?? [];
        const reported = own.filter((s) => s.gpuMs !== undefined);
        return {
          cellId,
          requests: own.reduce((sum, s) => sum + (s.inferenceRequests ?? 0), 0),
          reportedGpuMs: reported.length > 0 ? reported.reduce((sum, s) => sum + (s.gpuMs as number), 0) : null,
          allocatedGpus: this.registry.allocatedGpus(cellId),
        };
      });
      const ai = time.aiGpuMs === null ? new Map<string, number>() : attributeAiTime(time.aiGpuMs, cells);
      const radio = time.radioGpuMs === null ? new Map<string, number>() : attributeRadioTime(time.radioGpuMs, cells);
      for (const { cellId } of cells) shares.set(windowKey(cellId, start), { attributedAiGpuMs: ai.get(cellId) ?? null, radioGpuMs: radio.get(cellId) ?? null });
    }
    return shares;
  }

  private async publish(tx: EntityManager, closed: ClosedWindow[], samples: Map<string, StoredCellSample[]>): Promise<void> {
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
  }
}

const hasNodeTime = (share: { attributedAiGpuMs: number | null; radioGpuMs: number | null } | undefined) => share?.attributedAiGpuMs != null || share?.radioGpuMs != null;

function rollupDeltas(w: ClosedWindow, before: RollupSums) {
  const after: RollupSums = { cells: 1, aiGpuMs: w.metrics.aiGpuMs ?? 0, capacityGpuMs: w.metrics.capacityGpuMs ?? 0, radioGpuMs: w.metrics.radioGpuMs ?? 0, requests: w.metrics.requests, tokens: w.metrics.tokens };
  const sums = subtractSums(after, before);
  const scopes = [
    { scope: 'site' as const, scopeId: w.siteId },
    { scope: 'operator' as const, scopeId: w.operatorId },
    ...(w.pilotId ? [{ scope: 'pilot' as const, scopeId: w.pilotId }] : []),
  ];
  return scopes.map((s) => ({ ...s, start: w.start, sums }));
}

const distinct = (values: string[]) => [...new Set(values)].slice(0, MAX_SOURCE_TRACES);
const sourceTraceIds = (traceparents: string[]) => distinct(traceparents.flatMap((tp) => traceIdOf({ traceparent: tp }) ?? []));

function toEvent(w: ClosedWindow, ids: string[]): CellLoadWindow {
  return {
    schema: CELL_LOAD_SCHEMA,
    id: w.eventId,
    operatorId: w.operatorId,
    siteId: w.siteId,
    cellId: w.cellId,
    pilotId: w.pilotId,
    windowStart: new Date(w.start).toISOString(),
    windowEnd: new Date(w.end).toISOString(),
    revision: w.revision,
    ...w.metrics,
    sourceTraceIds: ids,
  };
}
