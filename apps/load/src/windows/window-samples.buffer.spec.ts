import type { CellSample, GpuSample } from '@airan/contracts';
import { PartitionWindowSamples } from './window-samples.buffer';

const W = 60_000;
const cell = (cellId: string, ts: number): CellSample => ({ cellId, ts, intervalMs: 15_000 });
const gpu = (device: string, ts: number): GpuSample => ({ node: 'n1', device, ts });

describe('PartitionWindowSamples', () => {
  it('holds only windows that start at or after the largest event time stored before it', () => {
    const buffer = new PartitionWindowSamples(2 * W + 10, W);
    expect(buffer.holds(2 * W)).toBe(false);
    expect(buffer.holds(3 * W)).toBe(true);
    buffer.addCell(cell('c1', 2 * W + 5), null);
    expect(buffer.cellSamples('c1', 2 * W)).toBeUndefined();
  });

  it('hands out a cell window by ts and a node window by device (code units, as the C collation), then ts', () => {
    const buffer = new PartitionWindowSamples(-Infinity, W);
    for (const ts of [45_000, 15_000, 30_000]) buffer.addCell(cell('c1', ts), null);
    buffer.addCell(cell('c2', 60_000), null);
    expect(buffer.cellSamples('c1', 0)?.map((s) => s.ts)).toEqual([15_000, 30_000, 45_000]);
    expect(buffer.cellSamples('c2', 0)?.map((s) => s.ts)).toEqual([60_000]);
    expect(buffer.cellSamples('c3', 0)).toBeUndefined();
    for (const [device, ts] of [['b', 30_000], ['B', 60_000], ['b', 10_000], ['a/mig1', 5_000], ['a', 20_000]] as const) buffer.addGpu(gpu(device, ts));
    expect(buffer.gpuSamples('n1', 0)?.map((s) => `${s.device}@${s.ts}`)).toEqual(['B@60000', 'a@20000', 'a/mig1@5000', 'b@10000', 'b@30000']);
  });

  it('drops windows the watermark closed, and ignores samples that come for them later (revisions are read back)', () => {
    const buffer = new PartitionWindowSamples(-Infinity, W);
    buffer.addCell(cell('c1', 30_000), null);
    buffer.addCell(cell('c1', W + 30_000), null);
    buffer.closedUpTo(W);
    expect(buffer.holds(0)).toBe(false);
    expect(buffer.cellSamples('c1', 0)).toBeUndefined();
    buffer.addCell(cell('c1', 45_000), null);
    expect(buffer.cellSamples('c1', 0)).toBeUndefined();
    expect(buffer.holds(W)).toBe(true);
    expect(buffer.cellSamples('c1', W)?.map((s) => s.ts)).toEqual([W + 30_000]);
    // The watermark never moves back.
    buffer.closedUpTo(W / 2);
    expect(buffer.holds(0)).toBe(false);
  });
});
