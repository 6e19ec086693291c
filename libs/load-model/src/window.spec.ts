import { coveredMs, isClosed, watermarkOf, windowOf, windowOfSample, type WindowBounds } from './window';

const MIN = 60_000;

describe('windowOf', () => {
  it('puts a timestamp in the tumbling window [start, start + size) that contains it', () => {
    expect(windowOf(125_000, MIN)).toEqual({ start: 120_000, end: 180_000 });
  });

  it('treats the start as inclusive and the end as exclusive', () => {
    expect(windowOf(120_000, MIN)).toEqual({ start: 120_000, end: 180_000 });
    expect(windowOf(179_999, MIN)).toEqual({ start: 120_000, end: 180_000 });
    expect(windowOf(180_000, MIN)).toEqual({ start: 180_000, end: 240_000 });
  });

  it('aligns windows to the epoch', () => {
    expect(windowOf(0, MIN)).toEqual({ start: 0, end: MIN });
    // 1_700_000_000_000 / 60_000 = 28_333_333.33… → 28_333_333 × 60_000
    expect(windowOf(1_700_000_000_000, MIN)).toEqual({ start: 1_699_999_980_000, end: 1_700_000_040_000 });
  });

  it('floors (not truncates) before the epoch', () => {
    expect(windowOf(-1, MIN)).toEqual({ start: -MIN, end: 0 });
  });

  it('works for other window sizes', () => {
    expect(windowOf(14 * MIN + 59_999, 15 * MIN)).toEqual({ start: 0, end: 15 * MIN });
    expect(windowOf(15 * MIN, 15 * MIN)).toEqual({ start: 15 * MIN, end: 30 * MIN });
  });
});

describe('windowOfSample', () => {
  it('assigns a sample stamped exactly at a window end to the window it closes: (start, end]', () => {
    expect(windowOfSample(180_000, MIN)).toEqual({ start: 120_000, end: 180_000 });
  });

  it('assigns a sample just after a boundary to the next window', () => {
    expect(windowOfSample(180_001, MIN)).toEqual({ start: 180_000, end: 240_000 });
    expect(windowOfSample(120_001, MIN)).toEqual({ start: 120_000, end: 180_000 });
  });

  it('assigns a sample stamped exactly at a window start to the previous window', () => {
    expect(windowOfSample(120_000, MIN)).toEqual({ start: 60_000, end: 120_000 });
  });

  it('differs from windowOf only at the boundary', () => {
    expect(windowOfSample(150_000, MIN)).toEqual(windowOf(150_000, MIN));
    expect(windowOfSample(180_000, MIN)).not.toEqual(windowOf(180_000, MIN));
  });
});

describe('watermarkOf / isClosed', () => {
  it('subtracts the allowed out-of-order delay from the max event time', () => {
    expect(watermarkOf(200_000, 5_000)).toBe(195_000);
    expect(watermarkOf(200_000, 0)).toBe(200_000);
  });

  it('closes a window once the watermark reaches its end, not before', () => {
    const w: WindowBounds = { start: 120_000, end: 180_000 };
    expect(isClosed(w, 179_999)).toBe(false);
    expect(isClosed(w, 180_000)).toBe(true);
    expect(isClosed(w, 180_001)).toBe(true);
  });

  it('keeps a window open while the out-of-order allowance has not elapsed', () => {
    const w = windowOf(150_000, MIN); // [120000, 180000)
    expect(isClosed(w, watermarkOf(184_999, 5_000))).toBe(false);
    expect(isClosed(w, watermarkOf(185_000, 5_000))).toBe(true);
  });

  it('never considers a window closed by an earlier window end', () => {
    expect(isClosed({ start: 180_000, end: 240_000 }, 180_000)).toBe(false);
  });
});

describe('coveredMs', () => {
  const w: WindowBounds = { start: 0, end: MIN };
  const s = (ts: number, intervalMs: number) => ({ ts, intervalMs });

  it('is 0 with no samples', () => {
    expect(coveredMs(w, [])).toBe(0);
  });

  it('covers the whole window with one sample spanning it', () => {
    expect(coveredMs(w, [s(60_000, 60_000)])).toBe(60_000);
  });

  it('covers (ts − intervalMs, ts] for a single sample', () => {
    expect(coveredMs(w, [s(40_000, 15_000)])).toBe(15_000);
  });

  it('adds disjoint spans and leaves gaps uncovered', () => {
    // (0, 15000] and (45000, 60000]: 30 s covered, 30 s gap
    expect(coveredMs(w, [s(15_000, 15_000), s(60_000, 15_000)])).toBe(30_000);
  });

  it('adds adjacent spans without double counting the shared edge', () => {
    expect(coveredMs(w, [s(30_000, 30_000), s(60_000, 30_000)])).toBe(60_000);
  });

  it('counts overlapping spans once', () => {
    // (0, 30000] ∪ (20000, 40000] = 40 s
    expect(coveredMs(w, [s(30_000, 30_000), s(40_000, 20_000)])).toBe(40_000);
  });

  it('counts a span nested inside another once', () => {
    // (0, 50000] ⊃ (20000, 30000]
    expect(coveredMs(w, [s(50_000, 50_000), s(30_000, 10_000)])).toBe(50_000);
  });

  it('counts duplicate samples once', () => {
    expect(coveredMs(w, [s(30_000, 10_000), s(30_000, 10_000), s(30_000, 10_000)])).toBe(10_000);
  });

  it('does not depend on input order', () => {
    const samples = [s(10_000, 10_000), s(20_000, 15_000), s(15_000, 7_000), s(30_000, 12_000), s(45_000, 5_000)];
    // union: (0, 10000] ∪ (5000, 20000] ∪ (8000, 15000] ∪ (18000, 30000] = (0, 30000]; plus (40000, 45000]
    expect(coveredMs(w, samples)).toBe(35_000);
    expect(coveredMs(w, [...samples].reverse())).toBe(35_000);
    expect(coveredMs(w, [samples[3], samples[0], samples[4], samples[2], samples[1]])).toBe(35_000);
  });

  it('clips a sample that straddles the window start', () => {
    // (−20000, 10000] ∩ [0, 60000) = 10 s
    expect(coveredMs(w, [s(10_000, 30_000)])).toBe(10_000);
  });

  it('clips a sample that straddles the window end', () => {
    // (50000, 70000] ∩ [0, 60000) = 10 s
    expect(coveredMs(w, [s(70_000, 20_000)])).toBe(10_000);
  });

  it('caps coverage at the window length', () => {
    expect(coveredMs(w, [s(90_000, 180_000)])).toBe(60_000);
    expect(coveredMs(w, [s(30_000, 60_000), s(90_000, 60_000)])).toBe(60_000);
  });

  it('ignores samples entirely outside the window', () => {
    expect(coveredMs(w, [s(0, 10_000)])).toBe(0); // (−10000, 0]
    expect(coveredMs(w, [s(130_000, 10_000)])).toBe(0); // (120000, 130000]
    expect(coveredMs(w, [s(70_000, 10_000)])).toBe(0); // (60000, 70000]
  });

  it('ignores zero-length intervals', () => {
    expect(coveredMs(w, [s(30_000, 0)])).toBe(0);
  });

  it('works for a window not starting at 0', () => {
    const w2: WindowBounds = { start: 120_000, end: 180_000 };
    // (105000, 135000] clipped to 15 s; (150000, 180000] = 30 s; (170000, 200000] overlaps + overflows
    expect(coveredMs(w2, [s(135_000, 30_000), s(180_000, 30_000), s(200_000, 30_000)])).toBe(45_000);
  });
});
