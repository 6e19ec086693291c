import type { OpenWindow } from '../windows/window.model';
import { PartitionStates, type StoredPartitionState } from './partition-state.store';

const W = 60_000;
const nothing: StoredPartitionState = { maxEventTime: -Infinity, openWindows: [] };
const window = (cellId: string, start: number): OpenWindow => ({ cellId, start, end: start + W, operatorId: 'op', siteId: 'site' });

describe('PartitionStates', () => {
  it('keeps a partition state while each batch starts where the last applied one ended', () => {
    const states = new PartitionStates(W);
    expect(states.kept('t', 0, 0n)).toBeUndefined();
    const first = states.restored('t', 0, nothing);
    first.advance(30_000);
    states.batchApplied('t', 0, 5n);
    expect(states.kept('t', 0, 5n)).toBe(first);
    expect(states.kept('t', 1, 5n)).toBeUndefined();
  });

  it('is restored from what Postgres holds after a batch that failed or was applied elsewhere', () => {
    const states = new PartitionStates(W);
    const first = states.restored('t', 0, nothing);
    // Failed before batchApplied: the retry starts at the same offset and finds nothing kept.
    expect(states.kept('t', 0, 0n)).toBeUndefined();
    const retry = states.restored('t', 0, nothing);
    expect(retry).not.toBe(first);
    states.batchApplied('t', 0, 5n);
    // Its transaction did not commit: the next batch starts before 5.
    expect(states.kept('t', 0, 0n)).toBeUndefined();
    states.restored('t', 0, nothing);
    states.batchApplied('t', 0, 5n);
    // Another instance applied 5…9 meanwhile: the state starts from what it left.
    expect(states.kept('t', 0, 10n)).toBeUndefined();
    const afterRebalance = states.restored('t', 0, { maxEventTime: 2 * W + 1, openWindows: [window('c1', 2 * W)] });
    expect(afterRebalance.maxEventTime).toBe(2 * W + 1);
    expect(afterRebalance.samples.holds(2 * W)).toBe(false);
    expect(afterRebalance.samples.holds(3 * W)).toBe(true);
    expect(afterRebalance.openWindows.takeClosable(3 * W)).toEqual([window('c1', 2 * W)]);
  });

  it('keeps a kept state only once: a batch that fails after taking it leaves nothing kept', () => {
    const states = new PartitionStates(W);
    states.restored('t', 0, nothing);
    states.batchApplied('t', 0, 5n);
    expect(states.kept('t', 0, 5n)).toBeDefined();
    expect(states.kept('t', 0, 5n)).toBeUndefined();
  });
});
