import { RollupAccumulator } from './rollup.accumulator';

const sums = (aiGpuMs: number, extra: Partial<{ cells: number; capacityGpuMs: number; radioGpuMs: number; requests: number; tokens: number }> = {}) => ({
  cells: 1, aiGpuMs, capacityGpuMs: 15_000, radioGpuMs: 0, requests: 14, tokens: 5200, ...extra,
});

describe('RollupAccumulator', () => {
  it('sums the deltas of one row, each rounded to whole GPU-µs on its own', () => {
    const acc = new RollupAccumulator();
    acc.add('site', 's1', 'op', 60_000, sums(0.0004)); // 0.4 µs → 0
    acc.add('site', 's1', 'op', 60_000, sums(0.0004)); // again 0: rounding per delta, not of the total (0.8 µs → 1)
    acc.add('site', 's1', 'op', 60_000, sums(220.5));
    expect(acc.rows()).toEqual([{ scope: 'site', scopeId: 's1', operatorId: 'op', start: 60_000, cells: 3, aiGpuUs: 220_500, capacityGpuUs: 45_000_000, radioGpuUs: 0, requests: 42, tokens: 15_600 }]);
  });

  it('keeps scopes, ids and windows apart, and a revision moves a row by its difference', () => {
    const acc = new RollupAccumulator();
    acc.add('site', 'x', 'op', 0, sums(1));
    acc.add('operator', 'x', 'op', 0, sums(1));
    acc.add('site', 'x', 'op', 60_000, sums(1));
    acc.add('site', 'x', 'op', 0, { cells: 0, aiGpuMs: -0.5, capacityGpuMs: 0, radioGpuMs: 0, requests: -4, tokens: 0 });
    expect(acc.size).toBe(3);
    expect(acc.rows().map((r) => [r.scope, r.scopeId, r.start, r.cells, r.aiGpuUs, r.requests])).toEqual([
      ['site', 'x', 0, 1, 500, 10],
      ['operator', 'x', 0, 1, 1000, 14],
      ['site', 'x', 60_000, 1, 1000, 14],
    ]);
  });

  it('gives the same rows whatever order the deltas come in', () => {
    const deltas = Array.from({ length: 500 }, (_, i) => ({ id: `s${i % 7}`, ai: (i * 37.123) % 911 }));
    const forward = new RollupAccumulator();
    const backward = new RollupAccumulator();
    for (const d of deltas) forward.add('site', d.id, 'op', 0, sums(d.ai));
    for (const d of [...deltas].reverse()) backward.add('site', d.id, 'op', 0, sums(d.ai));
    const byId = (acc: RollupAccumulator) => acc.rows().sort((a, b) => a.scopeId.localeCompare(b.scopeId));
    expect(byId(backward)).toEqual(byId(forward));
  });
});
