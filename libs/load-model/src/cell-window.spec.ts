import type { CellSample } from '@airan/contracts';
import { computeCellWindow } from './cell-window';
import type { WindowBounds } from './window';

const W: WindowBounds = { start: 0, end: 60_000 };

function sample(ts: number, intervalMs: number, kpis: Omit<CellSample, 'cellId' | 'ts' | 'intervalMs'> = {}): CellSample {
  return { cellId: 'cell-1', ts, intervalMs, ...kpis };
}

describe('computeCellWindow', () => {
  describe('a fully covered window with two 30 s samples', () => {
    // Hand-computed (all values exact in binary floating point):
    //   covered    = (0, 30000] ∪ (30000, 60000] = 60000 ms → coverage 1
    //   gpuMs      = 6000 + 9000 = 15000
    //   load       = 15000 / (0.5 GPU × 60000 ms) = 0.5
    //   tokens     = 1000 + 2000 = 3000 → 3000 / 60 s = 50 tokens/s
    //   requests   = 10 + 5 = 15
    //   p95        = max(80, 120) = 120
    //   prbDl      = (40·30000 + 70·30000) / 60000 = 55
    //   prbUl      = only the first sample reports it → 10
    //   thpDl      = (100·30000 + 200·30000) / 60000 = 150
    //   thpUl      = only the second sample reports it → 20
    //   rrc        = (12·30000 + 20·30000) / 60000 = 16
    const metrics = computeCellWindow({
      window: W,
      allocatedGpus: 0.5,
      samples: [
        sample(30_000, 30_000, {
          gpuMs: 6_000,
          inferenceRequests: 10,
          inferenceTokens: 1_000,
          latencyP95Ms: 80,
          prbDlPct: 40,
          prbUlPct: 10,
          thpDlMbps: 100,
          rrcConnectedUes: 12,
        }),
        sample(60_000, 30_000, {
          gpuMs: 9_000,
          inferenceRequests: 5,
          inferenceTokens: 2_000,
          latencyP95Ms: 120,
          prbDlPct: 70,
          thpDlMbps: 200,
          thpUlMbps: 20,
          rrcConnectedUes: 20,
        }),
      ],
    });

    it('computes every metric exactly', () => {
      expect(metrics).toEqual({
        sampleCount: 2,
        aiGpuMs: 15_000,
        capacityGpuMs: 30_000,
        radioGpuMs: null,
        coverage: 1,
        inferenceLoad: 0.5,
        radioLoad: null,
        headroom: null,
        requests: 15,
        tokens: 3_000,
        tokensPerSec: 50,
        latencyP95Ms: 120,
        prbDlPct: 55,
        prbUlPct: 10,
        thpDlMbps: 150,
        thpUlMbps: 20,
        rrcConnectedUes: 16,
      });
    });
  });

  describe('inference load', () => {
    it('divides GPU-ms by allocated GPUs × covered ms (not window ms)', () => {
      // covered = (0, 15000] ∪ (45000, 60000] = 30000 ms; gpuMs = 1875 + 3750 = 5625
      // load = 5625 / (0.25 × 30000) = 5625 / 7500 = 0.75   (over the whole window it would be 0.375)
      const m = computeCellWindow({
        window: W,
        allocatedGpus: 0.25,
        samples: [sample(15_000, 15_000, { gpuMs: 1_875 }), sample(60_000, 15_000, { gpuMs: 3_750 })],
      });
      expect(m.inferenceLoad).toBe(0.75);
      expect(m.coverage).toBe(0.5);
    });

    it('scales with the number of allocated GPUs', () => {
      const samples = [sample(60_000, 60_000, { gpuMs: 60_000 })];
      expect(computeCellWindow({ window: W, allocatedGpus: 1, samples }).inferenceLoad).toBe(1);
      expect(computeCellWindow({ window: W, allocatedGpus: 2, samples }).inferenceLoad).toBe(0.5);
      expect(computeCellWindow({ window: W, allocatedGpus: 4, samples }).inferenceLoad).toBe(0.25);
      // An over-subscribed quarter GPU: 60000 / (0.25 × 60000) = 4
      expect(computeCellWindow({ window: W, allocatedGpus: 0.25, samples }).inferenceLoad).toBe(4);
    });

    it('is null when no sample reports gpuMs', () => {
      const m = computeCellWindow({
        window: W,
        allocatedGpus: 1,
        samples: [sample(30_000, 30_000, { inferenceRequests: 3 }), sample(60_000, 30_000, { prbDlPct: 50 })],
      });
      expect(m.inferenceLoad).toBeNull();
      expect(m.headroom).toBeNull();
      expect(m.coverage).toBe(1);
    });

    it('is 0 (not null) when gpuMs is reported as 0', () => {
      const m = computeCellWindow({ window: W, allocatedGpus: 1, samples: [sample(60_000, 60_000, { gpuMs: 0 })] });
      expect(m.inferenceLoad).toBe(0);
    });

    it('sums only the samples that report gpuMs', () => {
      // gpuMs = 15000 from one sample; covered = 60000; load = 15000 / (1 × 60000) = 0.25
      const m = computeCellWindow({
        window: W,
        allocatedGpus: 1,
        samples: [sample(30_000, 30_000, { gpuMs: 15_000 }), sample(60_000, 30_000)],
      });
      expect(m.inferenceLoad).toBe(0.25);
    });

    it('is null when nothing of the window is covered', () => {
      const m = computeCellWindow({ window: W, allocatedGpus: 1, samples: [sample(30_000, 0, { gpuMs: 100 })] });
      expect(m.inferenceLoad).toBeNull();
      expect(m.coverage).toBe(0);
    });

    it('is null when the cell has no (or a non-positive) GPU allocation', () => {
      const samples = [sample(60_000, 60_000, { gpuMs: 1_000 })];
      expect(computeCellWindow({ window: W, allocatedGpus: 0, samples }).inferenceLoad).toBeNull();
      expect(computeCellWindow({ window: W, allocatedGpus: -1, samples }).inferenceLoad).toBeNull();
    });

    it('leaves radio load and headroom unknown', () => {
      const m = computeCellWindow({ window: W, allocatedGpus: 1, samples: [sample(60_000, 60_000, { gpuMs: 30_000 })] });
      expect(m.inferenceLoad).toBe(0.5);
      expect(m.radioLoad).toBeNull();
      expect(m.headroom).toBeNull();
    });
  });

  describe('interval-weighted means', () => {
    it('weights each sample by its interval, not by count', () => {
      // (20·15000 + 60·45000) / 60000 = (300000 + 2700000) / 60000 = 50   (the plain mean would be 40)
      const m = computeCellWindow({
        window: W,
        allocatedGpus: 1,
        samples: [
          sample(15_000, 15_000, { prbDlPct: 20, thpUlMbps: 8 }),
          sample(60_000, 45_000, { prbDlPct: 60, thpUlMbps: 16 }),
        ],
      });
      expect(m.prbDlPct).toBe(50);
      // (8·15000 + 16·45000) / 60000 = (120000 + 720000) / 60000 = 14
      expect(m.thpUlMbps).toBe(14);
    });

    it('counts a reported 0 as a value', () => {
      const m = computeCellWindow({
        window: W,
        allocatedGpus: 1,
        samples: [sample(30_000, 30_000, { prbUlPct: 0 }), sample(60_000, 30_000, { prbUlPct: 80 })],
      });
      expect(m.prbUlPct).toBe(40);
    });

    it('ignores samples that do not report the field, and is null when none do', () => {
      const m = computeCellWindow({
        window: W,
        allocatedGpus: 1,
        samples: [sample(20_000, 20_000, { rrcConnectedUes: 7 }), sample(40_000, 20_000), sample(60_000, 20_000, { rrcConnectedUes: 11 })],
      });
      expect(m.rrcConnectedUes).toBe(9);
      expect(m.prbDlPct).toBeNull();
      expect(m.prbUlPct).toBeNull();
      expect(m.thpDlMbps).toBeNull();
      expect(m.thpUlMbps).toBeNull();
    });

    it('handles means that are not exact in binary (to 10 decimal places)', () => {
      // (10·20000 + 20·20000 + 30·10000 + 0·10000) / 60000 = 900000 / 60000 = 15; thpDl = (1.1·30000 + 2.2·30000) / 60000 = 1.65
      const m = computeCellWindow({
        window: W,
        allocatedGpus: 1,
        samples: [
          sample(20_000, 20_000, { prbDlPct: 10, thpDlMbps: 1.1 }),
          sample(40_000, 20_000, { prbDlPct: 20, thpDlMbps: 2.2 }),
          sample(50_000, 10_000, { prbDlPct: 30 }),
          sample(60_000, 10_000, { prbDlPct: 0 }),
        ],
      });
      expect(m.prbDlPct).toBe(15);
      expect(m.thpDlMbps).toBeCloseTo(1.65, 10);
    });
  });

  describe('latency p95', () => {
    it('is the worst reported p95', () => {
      const m = computeCellWindow({
        window: W,
        allocatedGpus: 1,
        samples: [
          sample(20_000, 20_000, { latencyP95Ms: 80 }),
          sample(40_000, 20_000, { latencyP95Ms: 250 }),
          sample(50_000, 10_000),
          sample(60_000, 10_000, { latencyP95Ms: 120 }),
        ],
      });
      expect(m.latencyP95Ms).toBe(250);
    });

    it('is null when no sample reports it, and keeps a reported 0', () => {
      expect(computeCellWindow({ window: W, allocatedGpus: 1, samples: [sample(60_000, 60_000)] }).latencyP95Ms).toBeNull();
      expect(
        computeCellWindow({ window: W, allocatedGpus: 1, samples: [sample(60_000, 60_000, { latencyP95Ms: 0 })] }).latencyP95Ms,
      ).toBe(0);
    });
  });

  describe('throughput counters', () => {
    it('computes tokens per second over covered time, not window time', () => {
      // covered = 30000 ms (gap in the middle); tokens = 300 + 600 = 900 → 900 / 30 s = 30 (not 15)
      const m = computeCellWindow({
        window: W,
        allocatedGpus: 1,
        samples: [
          sample(15_000, 15_000, { inferenceTokens: 300, inferenceRequests: 4 }),
          sample(60_000, 15_000, { inferenceTokens: 600, inferenceRequests: 6 }),
        ],
      });
      expect(m.tokens).toBe(900);
      expect(m.requests).toBe(10);
      expect(m.tokensPerSec).toBe(30);
    });

    it('reports 0 tokens, requests and tokens/s (not null) when nothing is reported', () => {
      const m = computeCellWindow({ window: W, allocatedGpus: 1, samples: [sample(60_000, 60_000)] });
      expect(m.tokens).toBe(0);
      expect(m.requests).toBe(0);
      expect(m.tokensPerSec).toBe(0);
    });

    it('reports 0 tokens/s when nothing is covered', () => {
      const m = computeCellWindow({ window: W, allocatedGpus: 1, samples: [sample(30_000, 0, { inferenceTokens: 500 })] });
      expect(m.tokens).toBe(500);
      expect(m.tokensPerSec).toBe(0);
    });
  });

  describe('coverage', () => {
    it('is the covered fraction of the window', () => {
      // (45000, 60000] → 15000 / 60000 = 0.25
      expect(computeCellWindow({ window: W, allocatedGpus: 1, samples: [sample(60_000, 15_000)] }).coverage).toBe(0.25);
    });

    it('clips a sample that straddles the window start', () => {
      // Window [60000, 120000): (45000, 75000] contributes 15000, (75000, 120000] contributes 45000 → full coverage
      const m = computeCellWindow({
        window: { start: 60_000, end: 120_000 },
        allocatedGpus: 1,
        samples: [sample(75_000, 30_000), sample(120_000, 45_000)],
      });
      expect(m.coverage).toBe(1);
    });

    it('counts overlapping spans once', () => {
      // (0, 30000] ∪ (20000, 40000] = 40 s
      const m = computeCellWindow({ window: W, allocatedGpus: 1, samples: [sample(30_000, 30_000), sample(40_000, 20_000)] });
      expect(m.coverage).toBe(40_000 / 60_000);
      expect(m.coverage).toBeCloseTo(2 / 3, 12);
      expect(m.sampleCount).toBe(2);
    });

    // Duplicates are removed before the maths: segmentBatch drops repeats within a batch, and the sample insert
    // (ON CONFLICT on (cell_id, ts)) copies of samples stored before, so a window is computed from stored
    // samples, each identity once. The model itself counts every sample it is given.
    it('does not de-duplicate: a repeated sample it is given counts twice, though its span covers once', () => {
      const m = computeCellWindow({ window: W, allocatedGpus: 1, samples: [sample(40_000, 20_000, { inferenceRequests: 3 }), sample(40_000, 20_000, { inferenceRequests: 3 })] });
      expect(m.coverage).toBe(20_000 / 60_000);
      expect(m.sampleCount).toBe(2);
      expect(m.requests).toBe(6);
    });
  });

  // Counts are divided by the time the samples' own intervals span, not the clipped in-window part: a site
  // reporting 60 s intervals ending at :30 against 60 s windows would otherwise see every load doubled.
  describe('a sample straddling the window start', () => {
    // Window [0, 60000); sample (−30000, 30000]: 60 s interval, half of it in the window, at a steady
    // 0.5 GPU-load and 100 tokens/s throughout. Any sub-window of a steady interval has the same rates.
    const m = computeCellWindow({
      window: W,
      allocatedGpus: 1,
      samples: [sample(30_000, 60_000, { gpuMs: 30_000, inferenceTokens: 6_000 })],
    });

    it('covers half the window', () => {
      expect(m.coverage).toBe(0.5);
    });

    it('reports the steady inference load 0.5 (30000 GPU-ms over its 60 s interval)', () => {
      expect(m.inferenceLoad).toBe(0.5);
    });

    it('reports the steady 100 tokens/s (6000 tokens over 60 s)', () => {
      expect(m.tokensPerSec).toBe(100);
    });
  });

  it('handles an empty window', () => {
    expect(computeCellWindow({ window: W, allocatedGpus: 1, samples: [] })).toEqual({
      sampleCount: 0,
      aiGpuMs: null,
      capacityGpuMs: null,
      radioGpuMs: null,
      coverage: 0,
      inferenceLoad: null,
      radioLoad: null,
      headroom: null,
      requests: 0,
      tokens: 0,
      tokensPerSec: 0,
      latencyP95Ms: null,
      prbDlPct: null,
      prbUlPct: null,
      thpDlMbps: null,
      thpUlMbps: null,
      rrcConnectedUes: null,
    });
  });
});
