import type { CellSample, GpuSample } from '@airan/contracts';
import { windowOfSample } from '@airan/load-model';
import type { StoredCellSample } from '../telemetry/sample.repository';
import { PackedCellSamples, PackedGpuSamples } from './packed-samples';

interface SamplesOfWindow {
  readonly cells: Map<string, PackedCellSamples>;
  readonly gpus: Map<string, PackedGpuSamples>;
}

/**
 * One telemetry partition's stored samples of the windows that have not closed yet, so that closing them
 * reads nothing back from Postgres. It answers only for windows it saw whole (`holds`):
 * - every sample stored before it existed has `ts` ≤ `since` (the partition's largest event time then),
 *   so a window starting at or after `since` has none of those;
 * - a window the watermark passed was closed and dropped here; a late sample that re-opens it is read
 *   back with the rest (revisions are rare).
 * Samples are held packed (packed-samples.ts) and handed out as the read-back returns them (the same fields,
 * cell: by ts; GPU: by device, ts), so the model's float sums are the same bit for bit whichever way a
 * window was read.
 */
export class PartitionWindowSamples {
  private readonly byStart = new Map<number, SamplesOfWindow>();
  private closedThrough = -Infinity;

  constructor(
    private readonly since: number,
    private readonly windowMs: number,
  ) {}

  /** Whether every stored sample of the window starting at `start` is here. */
  holds(start: number): boolean {
    return start >= this.since && start + this.windowMs > this.closedThrough;
  }

  /** A sample just stored, not too late: kept if its window is one held here. */
  addCell(sample: CellSample, traceparent: string | null): void {
    const { start } = windowOfSample(sample.ts, this.windowMs);
    if (this.holds(start)) packed(this.windowAt(start).cells, sample.cellId, PackedCellSamples).add(sample, traceparent);
  }

  addGpu(sample: GpuSample): void {
    const { start } = windowOfSample(sample.ts, this.windowMs);
    if (this.holds(start)) packed(this.windowAt(start).gpus, sample.node, PackedGpuSamples).add(sample);
  }

  /** A held cell window's samples by ts, or undefined when it has none. */
  cellSamples(cellId: string, start: number): StoredCellSample[] | undefined {
    return this.byStart.get(start)?.cells.get(cellId)?.unpack(cellId);
  }

  /** A held node window's GPU samples by device, then ts. */
  gpuSamples(node: string, start: number): GpuSample[] | undefined {
    return this.byStart.get(start)?.gpus.get(node)?.unpack(node);
  }

  /** Every window ending at or before the watermark has been closed: drop their samples. */
  closedUpTo(watermark: number): void {
    if (watermark <= this.closedThrough) return;
    this.closedThrough = watermark;
    for (const start of this.byStart.keys()) if (start + this.windowMs <= watermark) this.byStart.delete(start);
  }

  private windowAt(start: number): SamplesOfWindow {
    let held = this.byStart.get(start);
    if (!held) this.byStart.set(start, (held = { cells: new Map(), gpus: new Map() }));
    return held;
  }
}

function packed<T>(map: Map<string, T>, key: string, Packed: new () => T): T {
  let held = map.get(key);
  if (!held) map.set(key, (held = new Packed()));
  return held;
}
