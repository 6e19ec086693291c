import type { CellSample, GpuSample } from '@airan/contracts';
import { PackedCellSamples, PackedGpuSamples } from './packed-samples';

describe('packed samples', () => {
  it('give a cell sample back as its stored row reads: reported zeros kept, unreported fields absent, by ts', () => {
    const late: CellSample = { cellId: 'c1', ts: 30_000, intervalMs: 15_000, prbDlPct: 0, inferenceRequests: 12, latencyP95Ms: 80.5 };
    const early: CellSample = { cellId: 'c1', ts: 15_000, intervalMs: 15_000, prbDlPct: 40, prbUlPct: 10, thpDlMbps: 100, thpUlMbps: 20, rrcConnectedUes: 12.5, inferenceRequests: 10, inferenceTokens: 1000, gpuMs: 7500, latencyP95Ms: 90 };
    const packed = new PackedCellSamples();
    packed.add(late, '00-trace-late');
    packed.add(early, null);
    expect(packed.unpack('c1')).toStrictEqual([
      { ...early, traceparent: null },
      { ...late, traceparent: '00-trace-late' },
    ]);
  });

  it('give GPU samples back by device in code-unit order, then ts', () => {
    const samples: GpuSample[] = [
      { node: 'n1', device: 'b', ts: 2, aiShare: 0.5 },
      { node: 'n1', device: 'B', ts: 3, radioShare: 0, utilPct: 90, memUsedMiB: 1024, powerW: 300, tempC: 61 },
      { node: 'n1', device: 'b', ts: 1, aiShare: 0.25, radioShare: 0.125 },
    ];
    const packed = new PackedGpuSamples();
    for (const s of samples) packed.add(s);
    expect(packed.unpack('n1')).toStrictEqual([samples[1], samples[2], samples[0]]);
  });
});
