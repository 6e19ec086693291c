import type { CellSample, GpuSample } from '@airan/contracts';
import { type Lateness, latenessOf } from './lateness';
import { watermarkOf, windowOfSample } from './window';

export interface LatenessRules {
  readonly windowMs: number;
  /** The watermark trails the partition's largest event time by this much. */
  readonly outOfOrderMs: number;
  /** A closed window still takes samples this much later (a new revision). */
  readonly allowedLatenessMs: number;
}

/** What of a telemetry report decides how its samples are applied. */
export interface PartitionReport {
  readonly cells: readonly CellSample[];
  readonly gpus: readonly GpuSample[];
  readonly heartbeats: readonly number[];
}

export interface PlacedSample<S> {
  readonly sample: S;
  /** Index of the report that carried it, in the batch. */
  readonly report: number;
  /** Against the watermark as it stood before that report. */
  readonly lateness: Lateness;
}

/** Consecutive reports applied together: their samples are stored, then the windows `watermark` passed close. */
export interface SampleSegment {
  readonly cells: readonly PlacedSample<CellSample>[];
  readonly gpus: readonly PlacedSample<GpuSample>[];
  /** The partition's largest event time before and after the segment (−∞ before any). */
  readonly fromMax: number;
  readonly toMax: number;
  readonly watermark: number;
}

export interface SegmentPlan {
  /** In partition order; the last one may be empty. */
  readonly segments: readonly SampleSegment[];
  /** Copies dropped because an earlier report of the batch (or the same one) carried the same sample. */
  readonly repeats: { readonly cells: number; readonly gpus: number };
}

/**
 * How one partition's batch of reports is applied, given the partition's largest event time so far.
 *
 * Each report is judged against the watermark as it stood before it, in partition order. A report
 * with a late sample (its window may already have been closed by an earlier report of the batch)
 * starts a new segment: its window re-opens and closes again as a new revision at the segment's end.
 * So the outcome is the one of every report applied in a batch of its own, whatever batches Kafka,
 * a crash or a rebalance produce. Too-late samples are placed like any other (they are kept and
 * counted) but revise no window.
 *
 * A sample's identity is (cell, ts), or (node, device, ts), in whole milliseconds as stored. A repeat
 * within the batch is dropped here, so the first copy (judged first) is the one that counts. A copy of
 * a sample stored by an earlier batch is only known to the database: the insert skips it.
 */
export function segmentBatch(storedMax: number, reports: readonly PartitionReport[], rules: LatenessRules): SegmentPlan {
  const cellsSeen = new Set<string>();
  const gpusSeen = new Set<string>();
  const repeats = { cells: 0, gpus: 0 };
  const segments: SampleSegment[] = [];
  let cells: PlacedSample<CellSample>[] = [];
  let gpus: PlacedSample<GpuSample>[] = [];
  let fromMax = storedMax;
  let toMax = storedMax;
  const endSegment = () => segments.push({ cells, gpus, fromMax, toMax, watermark: watermarkOf(toMax, rules.outOfOrderMs) });

  reports.forEach((report, index) => {
    const watermark = watermarkOf(toMax, rules.outOfOrderMs);
    const place = <S extends { ts: number }>(sample: S): PlacedSample<S> => ({
      sample,
      report: index,
      lateness: latenessOf(windowOfSample(sample.ts, rules.windowMs), watermark, rules.allowedLatenessMs),
    });
    const newCells = report.cells.filter((c) => firstCopy(cellsSeen, `${c.cellId}@${Math.trunc(c.ts)}`)).map(place);
    const newGpus = report.gpus.filter((g) => firstCopy(gpusSeen, `${g.node}/${g.device}@${Math.trunc(g.ts)}`)).map(place);
    repeats.cells += report.cells.length - newCells.length;
    repeats.gpus += report.gpus.length - newGpus.length;

    const started = cells.length > 0 || gpus.length > 0 || toMax > fromMax;
    if (started && (newCells.some(isLate) || newGpus.some(isLate))) {
      endSegment();
      [cells, gpus, fromMax] = [[], [], toMax];
    }
    // Loops, not push(...): a report may carry more samples than a call takes arguments.
    for (const p of newCells) cells.push(p);
    for (const p of newGpus) gpus.push(p);
    // Every copy, kept or dropped, moves event time (copies share a millisecond, not necessarily its fraction).
    for (const c of report.cells) toMax = Math.max(toMax, c.ts);
    for (const g of report.gpus) toMax = Math.max(toMax, g.ts);
    for (const ts of report.heartbeats) toMax = Math.max(toMax, ts);
  });
  endSegment();
  return { segments, repeats };
}

const isLate = (p: PlacedSample<unknown>) => p.lateness === 'late';

/** True the first time an identity is seen. */
function firstCopy(seen: Set<string>, identity: string): boolean {
  if (seen.has(identity)) return false;
  seen.add(identity);
  return true;
}
