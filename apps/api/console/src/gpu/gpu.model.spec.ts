import type { GpuNode } from '../api/registry';
import type { GpuSample } from '../api/types';
import { latestDevices } from './gpu.model';

const sample = (node: string, device: string, ts: string, utilPct: number) => ({ node, device, ts, utilPct, siteId: 's1' }) as GpuSample;
const node = { id: 'n1', siteId: 's1', hostname: 'gpu-a', model: 'H100', gpuCount: 2, migLayout: ['3g.40gb', '4g.40gb'] } as GpuNode;

describe('GPU devices', () => {
  it("keeps each device's latest sample and names its model and MIG layout by host name", () => {
    const rows = latestDevices([sample('gpu-a', '10', 't1', 50), sample('gpu-a', '2', 't2', 60), sample('gpu-a', '10', 't3', 70), sample('gpu-b', '0', 't1', 10)], [node]);
    expect(rows.map((r) => [r.node, r.device, r.latest.utilPct, r.model, r.mig])).toEqual([
      ['gpu-a', '2', 60, 'H100', ['3g.40gb', '4g.40gb']],
      ['gpu-a', '10', 70, 'H100', ['3g.40gb', '4g.40gb']],
      ['gpu-b', '0', 10, null, []],
    ]);
  });
});
