import type { CellSample, GpuSample } from '@airan/contracts';
import { computeCellWindow } from './cell-window';
import { attributeAiTime, attributeRadioTime, nodeGpuTime } from './node-time';
import { latenessOf } from './lateness';
import { ZERO_SUMS, rollupLoad, subtractSums } from './rollup';

const W = { start: 0, end: 60_000 };
const gpu = (device: string, ts: number, fields: Partial<GpuSample>): GpuSample => ({ node: 'n1', device, ts, ...fields });
const cell = (cellId: string, ts: number, fields: Partial<CellSample> = {}): CellSample => ({ cellId, ts, intervalMs: 30_000, ...fields });

describe('nodeGpuTime', () => {
  it('adds devices, each its mean share × the window', () => {
    const time = nodeGpuTime(
      [gpu('gpu0', 30_000, { aiShare: 0.5, radioShare: 0.25 }), gpu('gpu0', 60_000, { aiShare: 0.25, radioShare: 0.25 }), gpu('gpu1', 60_000, { aiShare: 1 })],
      60_000,
    );
    // gpu0: mean 0.375 × 60 s = 22.5 s; gpu1: 1 × 60 s. Radio only from gpu0: 0.25 × 60 s.
    expect(time).toEqual({ aiGpuMs: 22_500 + 60_000, radioGpuMs: 15_000 });
  });

  it('is unknown when no device reports a share', () => {
    expect(nodeGpuTime([gpu('gpu0', 60_000, { utilPct: 90 })], 60_000)).toEqual({ aiGpuMs: null, radioGpuMs: null });
    expect(nodeGpuTime([], 60_000)).toEqual({ aiGpuMs: null, radioGpuMs: null });
  });
});

describe('attributeAiTime', () => {
  it('splits the node time by inference requests', () => {
    const shares = attributeAiTime(90_000, [
      { cellId: 'a', requests: 10, reportedGpuMs: null },
      { cellId: 'b', requests: 20, reportedGpuMs: null },
    ]);
    expect(Object.fromEntries(shares)).toEqual({ a: 30_000, b: 60_000 });
  });

  it('splits equally when no requests were reported', () => {
    const shares = attributeAiTime(90_000, [
      { cellId: 'a', requests: 0, reportedGpuMs: null },
      { cellId: 'b', requests: 0, reportedGpuMs: null },
      { cellId: 'c', requests: 0, reportedGpuMs: null },
    ]);
    expect(Object.fromEntries(shares)).toEqual({ a: 30_000, b: 30_000, c: 30_000 });
  });

  it('takes what reporting cells account for off first, and never goes negative', () => {
    const cells = [
      { cellId: 'a', requests: 5, reportedGpuMs: 40_000 },
      { cellId: 'b', requests: 5, reportedGpuMs: null },
    ];
    expect(Object.fromEntries(attributeAiTime(90_000, cells))).toEqual({ b: 50_000 });
    expect(Object.fromEntries(attributeAiTime(30_000, cells))).toEqual({ b: 0 });
  });
});

describe('attributeRadioTime', () => {
  it('splits by allocation', () => {
    const shares = attributeRadioTime(30_000, [
      { cellId: 'a', allocatedGpus: 0.25 },
      { cellId: 'b', allocatedGpus: 0.5 },
    ]);
    expect(Object.fromEntries(shares)).toEqual({ a: 10_000, b: 20_000 });
  });
});

describe('computeCellWindow with the serving node', () => {
  it('uses the attributed node time when the cell reports no GPU-ms, over the whole window', () => {
    const m = computeCellWindow({ window: W, allocatedGpus: 0.5, samples: [cell('a', 30_000), cell('a', 60_000)], node: { attributedAiGpuMs: 15_000, radioGpuMs: 6_000 } });
    // 15 s of AI over 0.5 GPU × 60 s = 0.5; radio 6 s over 30 GPU-s = 0.2; headroom 1 − 0.2 − 0.5.
    expect(m).toMatchObject({ aiGpuMs: 15_000, capacityGpuMs: 30_000, inferenceLoad: 0.5, radioGpuMs: 6_000, radioLoad: 0.2 });
    expect(m.headroom).toBeCloseTo(0.3, 12);
  });

  it("prefers the cell's own GPU-ms over the node's", () => {
    const m = computeCellWindow({ window: W, allocatedGpus: 1, samples: [cell('a', 30_000, { gpuMs: 6_000 }), cell('a', 60_000, { gpuMs: 6_000 })], node: { attributedAiGpuMs: 59_000, radioGpuMs: null } });
    expect(m).toMatchObject({ aiGpuMs: 12_000, capacityGpuMs: 60_000, inferenceLoad: 0.2, radioLoad: null, headroom: null });
  });
});

describe('latenessOf', () => {
  it('tells open, late within the allowed lateness, and too late', () => {
    expect(latenessOf(W, 59_999, 10_000)).toBe('open');
    expect(latenessOf(W, 60_000, 10_000)).toBe('late');
    expect(latenessOf(W, 70_000, 10_000)).toBe('late');
    expect(latenessOf(W, 70_001, 10_000)).toBe('too-late');
  });
});

describe('rollups', () => {
  it('weigh cells by capacity', () => {
    // A quarter-GPU cell at load 2 and a full-GPU cell at load 0.5: (15 + 30) / (7.5 + 60) GPU-s, not the mean of 2 and 0.5.
    const sums = { cells: 2, aiGpuMs: 15_000 + 30_000, capacityGpuMs: 7_500 + 60_000, radioGpuMs: 6_750, requests: 3, tokens: 9 };
    expect(rollupLoad(sums)).toEqual({ inferenceLoad: 45_000 / 67_500, radioLoad: 0.1 });
    expect(rollupLoad(ZERO_SUMS)).toEqual({ inferenceLoad: null, radioLoad: null });
  });

  it('revise by deltas', () => {
    const before = { cells: 1, aiGpuMs: 10, capacityGpuMs: 20, radioGpuMs: 1, requests: 5, tokens: 50 };
    const after = { cells: 1, aiGpuMs: 16, capacityGpuMs: 20, radioGpuMs: 1, requests: 7, tokens: 70 };
    expect(subtractSums(after, before)).toEqual({ cells: 0, aiGpuMs: 6, capacityGpuMs: 0, radioGpuMs: 0, requests: 2, tokens: 20 });
  });
});
