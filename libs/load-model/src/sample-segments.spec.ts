import type { CellSample, GpuSample } from '@airan/contracts';
import { type PartitionReport, type SampleSegment, segmentBatch } from './sample-segments';

// Windows (start, end] of 60 s; watermark = max event time − 5 s; a closed window takes samples 120 s late.
const RULES = { windowMs: 60_000, outOfOrderMs: 5_000, allowedLatenessMs: 120_000 };
const s = (seconds: number) => seconds * 1000;
const cell = (cellId: string, seconds: number): CellSample => ({ cellId, ts: s(seconds), intervalMs: 1000 });
const gpu = (device: string, seconds: number): GpuSample => ({ node: 'n1', device, ts: s(seconds) });
const report = (cells: CellSample[], gpus: GpuSample[] = [], heartbeats: number[] = []): PartitionReport => ({ cells, gpus, heartbeats: heartbeats.map(s) });

/** Each segment as `[report index, cell, seconds, lateness]` per cell sample. */
const cellsOf = (segments: readonly SampleSegment[]) => segments.map((g) => g.cells.map((p) => [p.report, p.sample.cellId, p.sample.ts / 1000, p.lateness]));
const bounds = (segments: readonly SampleSegment[]) => segments.map((g) => ({ fromMax: g.fromMax, toMax: g.toMax, watermark: g.watermark }));

describe('segmentBatch', () => {
  describe('disorder within the out-of-order delay', () => {
    it('keeps samples that arrive after later ones on time while the watermark has not reached their window end', () => {
      // After the first report the max is 64 s: watermark 59 s, before the end (60 s) of the window of 58 s and 59 s.
      const { segments } = segmentBatch(-Infinity, [report([cell('a', 64), cell('a', 58)]), report([cell('a', 59), cell('b', 60)])], RULES);
      expect(cellsOf(segments)).toEqual([[[0, 'a', 64, 'open'], [0, 'a', 58, 'open'], [1, 'a', 59, 'open'], [1, 'b', 60, 'open']]]);
      expect(bounds(segments)).toEqual([{ fromMax: -Infinity, toMax: s(64), watermark: s(59) }]);
    });

    it('treats a sample as late once the watermark reaches its window end exactly', () => {
      const { segments } = segmentBatch(-Infinity, [report([cell('a', 65)]), report([cell('a', 60)])], RULES);
      expect(cellsOf(segments).flat()).toEqual([[0, 'a', 65, 'open'], [1, 'a', 60, 'late']]);
    });

    it('judges every report against the watermark before it, not the one its own samples move', () => {
      // The report's 120 s would put the watermark at 115 s, past the end of 58 s's window; it did not stand there before.
      const { segments } = segmentBatch(s(50), [report([cell('a', 120), cell('a', 58)])], RULES);
      expect(cellsOf(segments)).toEqual([[[0, 'a', 120, 'open'], [0, 'a', 58, 'open']]]);
      expect(bounds(segments)).toEqual([{ fromMax: s(50), toMax: s(120), watermark: s(115) }]);
    });
  });

  describe('duplicates: identity (cell, ts) and (node, device, ts)', () => {
    it('keeps the first copy of a sample repeated within a report or by a later report of the batch, and counts the others', () => {
      const { segments, repeats } = segmentBatch(-Infinity, [report([cell('a', 10), cell('a', 10), cell('b', 10)]), report([cell('a', 10), cell('a', 11)])], RULES);
      expect(cellsOf(segments)).toEqual([[[0, 'a', 10, 'open'], [0, 'b', 10, 'open'], [1, 'a', 11, 'open']]]);
      expect(repeats).toEqual({ cells: 2, gpus: 0 });
    });

    it('tells GPU samples apart by device, and repeats of one by node, device and ts', () => {
      const { segments, repeats } = segmentBatch(-Infinity, [report([], [gpu('gpu0', 10), gpu('gpu1', 10)]), report([], [gpu('gpu0', 10)])], RULES);
      expect(segments[0].gpus.map((p) => [p.report, p.sample.device])).toEqual([[0, 'gpu0'], [0, 'gpu1']]);
      expect(repeats).toEqual({ cells: 0, gpus: 1 });
    });

    it('lets the first copy decide: a repeat of an on-time sample that would now be too late is not counted too late, nor split a segment', () => {
      const { segments, repeats } = segmentBatch(-Infinity, [report([cell('a', 10)]), report([], [], [400]), report([cell('a', 10)])], RULES);
      expect(segments).toHaveLength(1);
      expect(cellsOf(segments)).toEqual([[[0, 'a', 10, 'open']]]);
      expect(repeats.cells).toBe(1);
    });

    it('counts a too-late sample sent twice once', () => {
      const { segments, repeats } = segmentBatch(s(400), [report([cell('a', 10)]), report([cell('a', 10)])], RULES);
      expect(segments.flatMap((g) => g.cells).filter((p) => p.lateness === 'too-late')).toHaveLength(1);
      expect(repeats.cells).toBe(1);
    });

    // The plan sees one batch: what an earlier batch stored is only in the database, whose insert skips it
    // (ON CONFLICT on the sample's identity), so a window is computed from each identity once.
    it('places again a sample an earlier batch already carried: the insert, not the plan, removes that copy', () => {
      const first = segmentBatch(-Infinity, [report([cell('a', 10)])], RULES);
      const second = segmentBatch(first.segments[0].toMax, [report([cell('a', 10)])], RULES);
      expect(cellsOf(second.segments)).toEqual([[[0, 'a', 10, 'open']]]);
      expect(second.repeats.cells).toBe(0);
    });
  });

  describe('late within the allowed lateness', () => {
    it('starts a new segment at the report carrying it, so its closed window re-opens and closes again as a new revision', () => {
      // Stored max 200 s: watermark 195 s has closed (60, 120]; 100 s is 75 s late, within the 120 s allowed.
      const { segments } = segmentBatch(s(200), [report([cell('a', 201)]), report([cell('a', 100), cell('a', 202)]), report([cell('a', 203)])], RULES);
      expect(cellsOf(segments)).toEqual([[[0, 'a', 201, 'open']], [[1, 'a', 100, 'late'], [1, 'a', 202, 'open'], [2, 'a', 203, 'open']]]);
      expect(bounds(segments)).toEqual([
        { fromMax: s(200), toMax: s(201), watermark: s(196) },
        { fromMax: s(201), toMax: s(203), watermark: s(198) },
      ]);
    });

    it('starts no empty segment when the batch opens with a late report', () => {
      const { segments } = segmentBatch(s(200), [report([cell('a', 100)]), report([cell('a', 201)])], RULES);
      expect(cellsOf(segments)).toEqual([[[0, 'a', 100, 'late'], [1, 'a', 201, 'open']]]);
    });

    it('gives each report with late samples a segment of its own start, even for the same window', () => {
      const { segments } = segmentBatch(s(200), [report([cell('a', 100)]), report([cell('b', 100)]), report([cell('a', 101), cell('b', 101)])], RULES);
      expect(cellsOf(segments)).toEqual([[[0, 'a', 100, 'late']], [[1, 'b', 100, 'late']], [[2, 'a', 101, 'late'], [2, 'b', 101, 'late']]]);
    });

    it('also splits on a late GPU sample (it re-opens the windows of the cells its node serves)', () => {
      const { segments } = segmentBatch(s(200), [report([cell('a', 201)]), report([], [gpu('gpu0', 100)])], RULES);
      expect(segments.map((g) => [g.cells.length, g.gpus.map((p) => p.lateness)])).toEqual([[1, []], [0, ['late']]]);
    });

    it('splits when only a heartbeat moved event time before the late report', () => {
      const { segments } = segmentBatch(s(200), [report([], [], [230]), report([cell('a', 150)])], RULES);
      expect(bounds(segments)).toEqual([
        { fromMax: s(200), toMax: s(230), watermark: s(225) },
        { fromMax: s(230), toMax: s(230), watermark: s(225) },
      ]);
      expect(cellsOf(segments)).toEqual([[], [[1, 'a', 150, 'late']]]);
    });
  });

  describe('beyond the allowed lateness', () => {
    it('marks the sample too late exactly when the watermark is more than the allowed lateness past its window end', () => {
      // Window (0, 60]: watermark 180 s is 120 s past its end (late), 180.001 s is beyond (too late).
      expect(cellsOf(segmentBatch(s(185), [report([cell('a', 30)])], RULES).segments).flat()).toEqual([[0, 'a', 30, 'late']]);
      expect(cellsOf(segmentBatch(s(185) + 1, [report([cell('a', 30)])], RULES).segments).flat()).toEqual([[0, 'a', 30, 'too-late']]);
    });

    it('keeps too-late samples in the plan (stored and counted) without starting a segment for them', () => {
      const { segments } = segmentBatch(s(400), [report([cell('a', 401)]), report([cell('a', 10), cell('b', 20)], [gpu('gpu0', 10)]), report([cell('a', 402)])], RULES);
      expect(cellsOf(segments)).toEqual([[[0, 'a', 401, 'open'], [1, 'a', 10, 'too-late'], [1, 'b', 20, 'too-late'], [2, 'a', 402, 'open']]]);
      expect(segments[0].gpus.map((p) => p.lateness)).toEqual(['too-late']);
    });
  });

  describe('watermark per partition', () => {
    // The caller passes the partition's own stored max event time: partitions never see each other's.
    it("judges a batch only by its own partition's progress", () => {
      const ahead = segmentBatch(-Infinity, [report([cell('a', 1000)])], RULES);
      const behind = segmentBatch(-Infinity, [report([cell('b', 50)]), report([cell('b', 55)])], RULES);
      expect(ahead.segments[0].watermark).toBe(s(995));
      // Partition "behind" stays at watermark 50 s: its window (0, 60] is not closed by the other's 995 s.
      expect(bounds(behind.segments)).toEqual([{ fromMax: -Infinity, toMax: s(55), watermark: s(50) }]);
      expect(cellsOf(behind.segments).flat().map((c) => c[3])).toEqual(['open', 'open']);
      // Its next batch goes on from its own max: 58 s is still on time.
      const next = segmentBatch(behind.segments[0].toMax, [report([cell('b', 58)])], RULES);
      expect(cellsOf(next.segments).flat()).toEqual([[0, 'b', 58, 'open']]);
    });
  });

  describe('gaps in event time', () => {
    it('closes the windows a jump passes at once, and takes the missing ones later as revisions or too late', () => {
      // A site silent from 60 s to 300 s: its report at 300 s moves the watermark to 295 s, past the windows in between.
      const { segments } = segmentBatch(s(60), [report([cell('a', 300)]), report([cell('a', 200)]), report([cell('a', 90)])], RULES);
      expect(bounds(segments)).toEqual([
        { fromMax: s(60), toMax: s(300), watermark: s(295) },
        { fromMax: s(300), toMax: s(300), watermark: s(295) },
      ]);
      // (180, 240] ended 55 s before the watermark: late. (60, 120] ended 175 s before it: too late, in the same segment.
      expect(cellsOf(segments)).toEqual([[[0, 'a', 300, 'open']], [[1, 'a', 200, 'late'], [2, 'a', 90, 'too-late']]]);
    });

    it('moves event time with heartbeats when no sample comes', () => {
      const { segments } = segmentBatch(s(60), [report([], [], [120, 180])], RULES);
      expect(bounds(segments)).toEqual([{ fromMax: s(60), toMax: s(180), watermark: s(175) }]);
    });

    it('has no watermark before the partition has any event time', () => {
      const { segments } = segmentBatch(-Infinity, [report([])], RULES);
      expect(bounds(segments)).toEqual([{ fromMax: -Infinity, toMax: -Infinity, watermark: -Infinity }]);
    });
  });

  describe('independence from batching', () => {
    // No sample repeats here: a repeat across batches is placed again (see above), so only first copies compare.
    const reports = [
      report([cell('a', 30), cell('b', 29)], [gpu('gpu0', 30)], [30]),
      report([cell('a', 62), cell('a', 27)], [], [62]),
      report([cell('b', 58), cell('a', 63)], [gpu('gpu0', 62)]),
      report([], [], [130]),
      report([cell('b', 59), cell('a', 131)]),
      report([cell('a', 40), cell('b', 132)], [gpu('gpu0', 61)]),
      report([cell('a', 400)]),
      report([cell('b', 200), cell('b', 60), cell('a', 401)]),
    ];
    /** Every sample's lateness, in partition order, with the reports cut into batches of `size`. */
    const lateness = (size: number) => {
      const out: string[] = [];
      let max = -Infinity;
      for (let i = 0; i < reports.length; i += size) {
        const { segments } = segmentBatch(max, reports.slice(i, i + size), RULES);
        for (const g of segments) for (const p of [...g.cells, ...g.gpus]) out.push(`${i + p.report}:${'cellId' in p.sample ? p.sample.cellId : p.sample.device}@${p.sample.ts}=${p.lateness}`);
        max = segments.at(-1)!.toMax;
      }
      return out.sort();
    };

    it('judges every sample the same whether the reports come in one batch, one each, or anything between', () => {
      const one = lateness(reports.length);
      for (const size of [1, 2, 3, 5]) expect(lateness(size)).toEqual(one);
      expect(new Set(one.map((l) => l.slice(l.indexOf('=') + 1)))).toEqual(new Set(['open', 'late', 'too-late']));
    });

    it('starts a segment at every report with a late sample that follows others in its batch', () => {
      const { segments } = segmentBatch(-Infinity, reports, RULES);
      expect(segments.map((g) => g.cells[0]?.report ?? g.gpus[0]?.report)).toEqual([0, 4, 5]);
    });
  });
});
