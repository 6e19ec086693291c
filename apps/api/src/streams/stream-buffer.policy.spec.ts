import { StreamBufferPolicy } from './stream-buffer.policy';

describe('StreamBufferPolicy', () => {
  const policy = new StreamBufferPolicy(1000);

  it('cuts a live client only beyond the budget', () => {
    expect([policy.overflows(0), policy.overflows(1000), policy.overflows(1001)]).toEqual([false, false, true]);
  });

  it('pauses catch-up at half the budget, and reads at most half the budget at a time', () => {
    expect([policy.pausesCatchUp(499), policy.pausesCatchUp(500)]).toEqual([false, true]);
    expect(policy.catchUpReadBytes).toBe(500);
    // A paused catch-up plus one more read stays within the budget.
    expect(policy.overflows(policy.catchUpReadBytes - 1 + policy.catchUpReadBytes)).toBe(false);
  });
});
