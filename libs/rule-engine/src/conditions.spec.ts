import { comparedMetrics, observationOf } from './conditions';
import { rule } from './rule-state.fixtures';

describe('what is kept of an observation for a later dropPct', () => {
  it('names each metric a dropPct condition compares, once, and only those', () => {
    const drop = rule({}, { metric: 'thpDlMbps', op: 'dropPct', threshold: 30 });
    const both = rule({ any: [{ metric: 'prbDlPct', op: 'dropPct', threshold: 10 }, { metric: 'rrcConnectedUes', op: '>', threshold: 5 }] }, { metric: 'thpDlMbps', op: 'dropPct', threshold: 50 });
    expect(comparedMetrics([rule(), drop, both])).toEqual(['prbDlPct', 'thpDlMbps']);
    expect(comparedMetrics([rule()])).toEqual([]);
  });

  it('keeps the values those metrics have, leaving out null, undefined and NaN', () => {
    expect(observationOf(['a', 'b', 'c', 'd', 'e'], { a: 1.5, b: null, c: undefined, d: Number.NaN, e: 0, f: 9 })).toEqual({ a: 1.5, e: 0 });
  });
});
