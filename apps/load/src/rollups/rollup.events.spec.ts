import { rollupWindowSchema, stableEventId } from '@airan/contracts';
import { rollupEvent } from './rollup.events';

describe('rollupEvent', () => {
  const row = { scope: 'site', scopeId: 'skt-a', operatorId: 'skt', start: Date.UTC(2026, 11, 5, 9), cells: 3, aiGpuUs: 30_000_000, capacityGpuUs: 60_000_000, radioGpuUs: 18_750_000, requests: 680, tokens: 45_000, version: 2 } as const;

  it("gives the row's totals in GPU-ms with the loads they make, valid by the contract", () => {
    const event = rollupEvent(row);
    expect(rollupWindowSchema.parse(event)).toEqual(event);
    expect(event).toMatchObject({ windowStart: '2026-12-05T09:00:00.000Z', aiGpuMs: 30_000, capacityGpuMs: 60_000, radioGpuMs: 18_750, inferenceLoad: 0.5, radioLoad: 0.3125, version: 2, operatorId: 'skt' });
  });

  it('names each version of a row by its own stable id, and a row without capacity has no load', () => {
    expect(rollupEvent(row).id).toBe(stableEventId('rollup', 'site', 'skt-a', row.start, 2));
    expect(rollupEvent({ ...row, version: 3 }).id).not.toBe(rollupEvent(row).id);
    expect(rollupEvent({ ...row, capacityGpuUs: 0 })).toMatchObject({ inferenceLoad: null, radioLoad: null });
  });
});
