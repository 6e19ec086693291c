import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CELL_LOAD_SCHEMA, type CellLoadWindow, type GpuSample, stableEventId } from '@airan/contracts';
import { OutboxRepository } from '@airan/database';
import { INFRA, type ServiceInfra } from '@airan/http';
import { ZERO_SUMS, type RollupSums, attributeAiTime, attributeRadioTime, computeCellWindow, nodeGpuTime, subtractSums } from '@airan/load-model';
import { counter, injectTraceHeaders, linkFromHeaders, traceIdOf, withSpan } from '@airan/observability';
import type { LoadConfig } from '../load.config';
import { LoadRegistry } from '../registry/load-registry.view';
import type { RollupAccumulator } from '../rollups/rollup.accumulator';
import { timed } from '../step-timer';
import { SampleRepository, type StoredCellSample } from '../telemetry/sample.repository';
import { chunkWindows } from './window-chunks';
import type { PartitionWindowSamples } from './window-samples.buffer';
import { type ClosedWindow, type OpenWindow, type WindowKey, windowKey } from './window.model';
import { WindowRepository } from './window.repository';

/** At most this many source traces are linked from one window (span links and event field). */
const MAX_SOURCE_TRACES = 32;

/**
 * Windows closed per round of reads and writes. A partition whose sites all report each window closes
 * every cell at once (tens of thousands); in chunks the memory held stays bounded while each statement
 * still carries thousands of rows. Windows are independent (a node's cells stay in one chunk, so their
 * samples are read once), and rollups add integer deltas, so chunking changes no result.
 */
export const CLOSE_CHUNK = 2_000;

const windowsClosed = counter('airan_load_windows_closed_total', 'Cell windows closed, by whether they were revisions', ['kind']);
const windowReads = counter('airan_load_window_reads_total', 'Closing cell windows by where their samples came from: memory, or read back from Postgres (revisions, windows begun before a restart or rebalance)', ['kind']);

type NodeShare = { attributedAiGpuMs: number | null; radioGpuMs: number | null };
type NodeShares = Map<string, NodeShare>;
type NodeWindow = { node: string; start: number; end: number };

/**
 * Computes the windows the watermark passed: each cell with its serving node's GPU time attributed
 * (docs/load-model.md), stores them with their revision, moves the site, pilot and operator rollups by
 * the difference, and writes one `airan.cell-load.v1` event per window to the outbox.
 */
@Injectable()
export class CloseWindowsUseCase {
  constructor(
    @Inject(INFRA) private readonly infra: ServiceInfra<LoadConfig>,
    private readonly samples: SampleRepository,
    private readonly windows: WindowRepository,
    private readonly registry: LoadRegistry,
    private readonly outbox: OutboxRepository,
  ) {}

  /**
   * Closes `windows`. Their rollup deltas are added to `rollups`, for the caller to write once at the end
   * of its transaction (see RollupAccumulator).
   */
  async execute(tx: EntityManager, windows: readonly OpenWindow[], rollups: RollupAccumulator, buffer: PartitionWindowSamples): Promise<void> {
    for (const chunk of chunkWindows(windows, (cellId) => this.registry.servingNode(cellId), CLOSE_CHUNK)) await this.closeChunk(tx, chunk, rollups, buffer);
  }

  private async closeChunk(tx: EntityManager, windows: readonly OpenWindow[], rollups: RollupAccumulator, buffer: PartitionWindowSamples): Promise<void> {
    // Cells sharing a node are attributed together, so their samples are read even if only one closes.
    const nodeWindows = new Map<string, NodeWindow>();
    const cellWindows = new Map<string, WindowKey>();
    const keys = windows.map((w) => windowKey(w.cellId, w.start));
    windows.forEach((w, i) => {
      cellWindows.set(keys[i], w);
      const node = this.registry.servingNode(w.cellId);
      if (node) nodeWindows.set(windowKey(node, w.start), { node, start: w.start, end: w.end });
    });
    for (const { node, start, end } of nodeWindows.values()) {
      for (const c of this.registry.cellsOf(node)) {
        const k = windowKey(c.cellId, start);
        if (!cellWindows.has(k)) cellWindows.set(k, { cellId: c.cellId, start, end });
      }
    }
    // A window the buffer holds was never closed before (see PartitionWindowSamples): nothing of it to read back.
    const held = (w: { start: number }) => buffer.holds(w.start);
    const unheld = <W extends { start: number }>(list: Iterable<W>) => [...list].filter((w) => !held(w));
    const [samples, gpuSamples, previous] = [
      await timed('read-samples', () => this.samples.cellSamplesOf(tx, unheld(cellWindows.values()))),
      await timed('read-gpu-samples', () => this.samples.gpuSamplesOf(tx, unheld(nodeWindows.values()))),
      await timed('read-previous', () => this.windows.previousWindows(tx, unheld(windows))),
    ];
    for (const [key, w] of cellWindows) if (held(w)) setIfAny(samples, key, buffer.cellSamples(w.cellId, w.start));
    for (const [key, w] of nodeWindows) if (held(w)) setIfAny(gpuSamples, key, buffer.gpuSamples(w.node, w.start));
    const fromMemory = windows.filter(held).length;
    windowReads.inc({ kind: 'memory' }, fromMemory);
    windowReads.inc({ kind: 'postgres' }, windows.length - fromMemory);
    const closed: Closing[] = await timed('compute', () => {
      const shares = this.nodeShares(nodeWindows, samples, gpuSamples);
      const out: Closing[] = [];
      windows.forEach((w, i) => {
        const key = keys[i];
        const own = samples.get(key);
        const share = shares.get(key);
        const before = previous.get(key);
        // A sibling opened only because its node changed, with neither samples nor node time, says nothing: skip it.
        if (own === undefined && !hasNodeTime(share) && before === undefined) return;
        const revision = (before?.revision ?? -1) + 1;
        const metrics = computeCellWindow({ window: w, samples: own ?? [], allocatedGpus: this.registry.allocatedGpus(w.cellId), node: share });
        out.push({
          cellId: w.cellId,
          start: w.start,
          end: w.end,
          operatorId: w.operatorId,
          siteId: w.siteId,
          pilotId: this.registry.pilotOf(w.siteId) ?? null,
          revision,
          metrics,
          eventId: stableEventId('cell-load', w.cellId, w.start, revision),
          previous: before?.sums ?? ZERO_SUMS,
          traceparents: own === undefined ? NO_TRACES : traceparentsOf(own),
        });
      });
      return out;
    });
    if (closed.length === 0) return;
    await timed('save-windows', () => this.windows.saveWindows(tx, closed));
    for (const w of closed) addRollupDeltas(rollups, w);
    await timed('outbox', () => this.publish(tx, closed));
    let revisions = 0;
    for (const w of closed) if (w.revision > 0) revisions++;
    windowsClosed.inc({ kind: 'first' }, closed.length - revisions);
    windowsClosed.inc({ kind: 'revision' }, revisions);
  }

  /** Each node window's AI and radio GPU time, split among the cells it serves. */
  private nodeShares(nodeWindows: Map<string, NodeWindow>, samples: Map<string, StoredCellSample[]>, gpuSamples: Map<string, GpuSample[]>): NodeShares {
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

  private async publish(tx: EntityManager, closed: readonly Closing[]): Promise<void> {
    // One span for the windows closed together, linked to the ingest requests whose samples built them.
    const linked = new Set<string>();
    for (const w of closed) {
      for (const tp of w.traceparents) if (linked.size < MAX_SOURCE_TRACES) linked.add(tp);
      if (linked.size >= MAX_SOURCE_TRACES) break;
    }
    const links = [...linked].flatMap((traceparent) => linkFromHeaders({ traceparent }) ?? []);
    // A report's trace is shared by all its cells' samples: each traceparent is parsed once per chunk.
    const traceIds = new Map<string, string | undefined>();
    const traceIdOfCached = (tp: string) => {
      if (!traceIds.has(tp)) traceIds.set(tp, traceIdOf({ traceparent: tp }));
      return traceIds.get(tp);
    };
    const isoTimes = new Map<number, string>();
    const iso = (ms: number) => {
      let text = isoTimes.get(ms);
      if (text === undefined) isoTimes.set(ms, (text = new Date(ms).toISOString()));
      return text;
    };
    await withSpan('load.close-windows', { links, attributes: { 'airan.windows': closed.length } }, async () => {
      this.infra.logger.info({ windows: closed.length, sourceTraces: links.length }, 'windows closed');
      const headers = injectTraceHeaders();
      const topic = this.infra.topics.cellLoad;
      await this.outbox.add(
        tx,
        closed.map((w) => ({ eventId: w.eventId, topic, key: w.cellId, value: toEvent(w, sourceTraceIds(w.traceparents, traceIdOfCached), iso), headers })),
      );
    });
  }
}

/** A closed window with what the rollups and the event need besides. */
interface Closing extends ClosedWindow {
  /** What the stored revision contributed to rollups (zero for a first close). */
  readonly previous: RollupSums;
  /** Distinct traceparents of the window's samples, in sample order, at most MAX_SOURCE_TRACES. */
  readonly traceparents: readonly string[];
}

const NO_TRACES: readonly string[] = [];

/** Absent stays absent: a window without samples reads as none, as from Postgres. */
function setIfAny<T>(map: Map<string, T[]>, key: string, list: T[] | undefined): void {
  if (list) map.set(key, list);
}

function traceparentsOf(samples: readonly StoredCellSample[]): readonly string[] {
  let out: string[] | undefined;
  for (const s of samples) {
    if (!s.traceparent) continue;
    if (out === undefined) out = [s.traceparent];
    else if (!out.includes(s.traceparent)) {
      if (out.length >= MAX_SOURCE_TRACES) break;
      out.push(s.traceparent);
    }
  }
  return out ?? NO_TRACES;
}

const hasNodeTime = (share: NodeShare | undefined) => share?.attributedAiGpuMs != null || share?.radioGpuMs != null;

/** What a closed window moves its site, operator and pilot rollups by: this revision's sums less the previous one's. */
function addRollupDeltas(rollups: RollupAccumulator, w: Closing): void {
  const after: RollupSums = { cells: 1, aiGpuMs: w.metrics.aiGpuMs ?? 0, capacityGpuMs: w.metrics.capacityGpuMs ?? 0, radioGpuMs: w.metrics.radioGpuMs ?? 0, requests: w.metrics.requests, tokens: w.metrics.tokens };
  const sums = subtractSums(after, w.previous);
  rollups.add('site', w.siteId, w.operatorId, w.start, sums);
  rollups.add('operator', w.operatorId, w.operatorId, w.start, sums);
  if (w.pilotId) rollups.add('pilot', w.pilotId, w.operatorId, w.start, sums);
}

/** Trace ids of the distinct traceparents, each once, at most MAX_SOURCE_TRACES. */
function sourceTraceIds(traceparents: readonly string[], traceIdOf: (tp: string) => string | undefined): string[] {
  const ids: string[] = [];
  for (const tp of traceparents) {
    const id = traceIdOf(tp);
    if (id !== undefined && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

/** The `airan.cell-load.v1` event of a closed window. */
function toEvent(w: ClosedWindow, ids: string[], iso: (ms: number) => string): CellLoadWindow {
  return {
    schema: CELL_LOAD_SCHEMA,
    id: w.eventId,
    operatorId: w.operatorId,
    siteId: w.siteId,
    cellId: w.cellId,
    pilotId: w.pilotId,
    windowStart: iso(w.start),
    windowEnd: iso(w.end),
    revision: w.revision,
    ...w.metrics,
    sourceTraceIds: ids,
  };
}
