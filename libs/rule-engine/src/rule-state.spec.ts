import type { MetricValues } from './conditions';
import { INACTIVE, type AlertRule, type RuleState } from './rule.model';
import { evaluateRule } from './rule-state';
import { MIN, phases, rule, run, state, transitions } from './rule-state.fixtures';

describe('evaluateRule', () => {
  describe('with a `for` period', () => {
    it('goes pending, then fires once the condition has held for forMs of event time, then resolves', () => {
      const es = run(rule(), [
        [0, 0.9],
        [30_000, 0.95],
        [59_999, 0.9],
        [60_000, 0.85],
        [120_000, 0.99],
        [180_000, 0.5],
      ]);
      expect(phases(es)).toEqual(['pending', 'pending', 'pending', 'firing', 'firing', 'inactive']);
      expect(transitions(es)).toEqual(['pending', undefined, undefined, 'firing', undefined, 'resolved']);
      expect(es[0]).toEqual({ state: state({ phase: 'pending', activeSince: 0, lastTrueAt: 0, previous: { inferenceLoad: 0.9 }, evaluatedThrough: 0 }), transition: 'pending' });
      expect(es[1].state).toEqual(state({ phase: 'pending', activeSince: 0, lastTrueAt: 30_000, previous: { inferenceLoad: 0.95 }, evaluatedThrough: 30_000 }));
      expect(es[3].state).toEqual(state({ phase: 'firing', activeSince: 0, lastTrueAt: 60_000, firedAt: 60_000, flapTimes: [60_000], previous: { inferenceLoad: 0.85 }, evaluatedThrough: 60_000 }));
      expect(es[4].state).toEqual(state({ phase: 'firing', activeSince: 0, lastTrueAt: 120_000, firedAt: 60_000, flapTimes: [60_000], previous: { inferenceLoad: 0.99 }, evaluatedThrough: 120_000 }));
      expect(es[5]).toEqual({ state: state({ flapTimes: [60_000, 180_000], previous: { inferenceLoad: 0.5 }, evaluatedThrough: 180_000 }), transition: 'resolved', resolvedFromFiring: true });
    });

    it('measures `for` in event time only: a single later observation fires if far enough after the first', () => {
      const es = run(rule(), [
        [1_000_000, 0.9],
        [1_060_000, 0.9],
      ]);
      expect(transitions(es)).toEqual(['pending', 'firing']);
    });

    it('ends a pending episode with a resolved transition that did not come from firing', () => {
      const es = run(rule(), [
        [0, 0.9],
        [30_000, 0.5],
      ]);
      expect(es[1]).toEqual({ state: state({ flapTimes: [30_000], previous: { inferenceLoad: 0.5 }, evaluatedThrough: 30_000 }), transition: 'resolved', resolvedFromFiring: false });
    });

    it('starts a new episode (and a new `for` period) after clearing', () => {
      const es = run(rule(), [
        [0, 0.9],
        [30_000, 0.5],
        [60_000, 0.9],
        [90_000, 0.9],
        [120_000, 0.9],
      ]);
      expect(transitions(es)).toEqual(['pending', 'resolved', 'pending', undefined, 'firing']);
      expect(es[2].state).toMatchObject({ phase: 'pending', activeSince: 60_000, lastTrueAt: 60_000, firedAt: null });
      expect(es[4].state).toMatchObject({ phase: 'firing', activeSince: 60_000, lastTrueAt: 120_000, firedAt: 120_000 });
    });
  });

  describe('with forMs 0', () => {
    it('fires on the first observation that holds, skipping pending', () => {
      const es = run(rule({ forMs: 0 }), [
        [0, 0.9],
        [60_000, 0.9],
        [120_000, 0.1],
      ]);
      expect(phases(es)).toEqual(['firing', 'firing', 'inactive']);
      expect(transitions(es)).toEqual(['firing', undefined, 'resolved']);
      expect(es[0].state).toEqual(state({ phase: 'firing', activeSince: 0, lastTrueAt: 0, firedAt: 0, flapTimes: [0], previous: { inferenceLoad: 0.9 }, evaluatedThrough: 0 }));
    });
  });

  describe('while inactive', () => {
    it('stays inactive without a transition when the condition does not hold, remembering the value', () => {
      expect(evaluateRule(rule(), INACTIVE, { inferenceLoad: 0.5 }, 0)).toEqual({ state: state({ previous: { inferenceLoad: 0.5 }, evaluatedThrough: 0 }) });
    });

    it('uses the threshold, not the recovery threshold, to become active', () => {
      const r = rule({ forMs: 0 }, { recoveryThreshold: 0.6 });
      expect(evaluateRule(r, INACTIVE, { inferenceLoad: 0.7 }, 0)).toEqual({ state: state({ previous: { inferenceLoad: 0.7 }, evaluatedThrough: 0 }) });
      expect(evaluateRule(r, INACTIVE, { inferenceLoad: 0.8 }, 0).transition).toBeUndefined();
      expect(evaluateRule(r, INACTIVE, { inferenceLoad: 0.81 }, 0).transition).toBe('firing');
    });
  });

  describe('hysteresis (recoveryThreshold)', () => {
    it('keeps a firing alert until the value passes the recovery threshold', () => {
      const es = run(rule({ forMs: 0 }, { recoveryThreshold: 0.6 }), [
        [0, 0.9],
        [60_000, 0.7], // below threshold, above recovery: still active
        [120_000, 0.61],
        [180_000, 0.6], // not > 0.6: resolves
        [240_000, 0.7], // inactive again: 0.7 is not > 0.8
      ]);
      expect(phases(es)).toEqual(['firing', 'firing', 'firing', 'inactive', 'inactive']);
      expect(transitions(es)).toEqual(['firing', undefined, undefined, 'resolved', undefined]);
      expect(es[2].state).toMatchObject({ phase: 'firing', activeSince: 0, lastTrueAt: 120_000 });
    });

    it('applies to pending alerts too (pending is already active)', () => {
      const es = run(rule({}, { recoveryThreshold: 0.6 }), [
        [0, 0.9],
        [30_000, 0.7],
        [60_000, 0.7],
      ]);
      expect(phases(es)).toEqual(['pending', 'pending', 'firing']);
      expect(transitions(es)).toEqual(['pending', undefined, 'firing']);
    });

    it('works in the other direction for a low-value rule', () => {
      const es = run(rule({ forMs: 0 }, { op: '<', threshold: 0.2, recoveryThreshold: 0.3 }), [
        [0, 0.25], // not < 0.2
        [1_000, 0.1], // fires
        [2_000, 0.29], // < 0.3: stays
        [3_000, 0.3], // not < 0.3: resolves
      ]);
      expect(transitions(es)).toEqual([undefined, 'firing', undefined, 'resolved']);
    });

    it('defaults the recovery threshold to the threshold', () => {
      const es = run(rule({ forMs: 0 }), [
        [0, 0.9],
        [1_000, 0.8], // not > 0.8
      ]);
      expect(transitions(es)).toEqual(['firing', 'resolved']);
    });
  });

  describe('keepFiringForMs', () => {
    const r = rule({ forMs: 0, keepFiringForMs: 120_000 });

    it('keeps firing until keepFiringForMs has passed since the condition last held', () => {
      const es = run(r, [
        [0, 0.9],
        [60_000, 0.5],
        [119_999, 0.5],
        [120_000, 0.5],
      ]);
      expect(phases(es)).toEqual(['firing', 'firing', 'firing', 'inactive']);
      expect(transitions(es)).toEqual(['firing', undefined, undefined, 'resolved']);
      // While kept firing only the remembered values change: lastTrueAt still marks the last time the condition held.
      expect(es[1].state).toEqual({ ...es[0].state, previous: { inferenceLoad: 0.5 }, evaluatedThrough: 60_000 });
      expect(es[2].state).toEqual({ ...es[0].state, previous: { inferenceLoad: 0.5 }, evaluatedThrough: 119_999 });
    });

    it('restarts the keep-firing period when the condition holds again, within the same episode', () => {
      const es = run(r, [
        [0, 0.9],
        [60_000, 0.5],
        [90_000, 0.9],
        [200_000, 0.5], // 110 s after 90000: kept
        [210_000, 0.5], // 120 s after 90000: resolved
      ]);
      expect(transitions(es)).toEqual(['firing', undefined, undefined, undefined, 'resolved']);
      expect(es[2].state).toMatchObject({ phase: 'firing', activeSince: 0, lastTrueAt: 90_000 });
      expect(es[3].state).toMatchObject({ phase: 'firing', activeSince: 0, lastTrueAt: 90_000 });
    });

    it('does not keep a pending alert', () => {
      const es = run(rule({ forMs: 60_000, keepFiringForMs: 120_000 }), [
        [0, 0.9],
        [10_000, 0.5],
      ]);
      expect(transitions(es)).toEqual(['pending', 'resolved']);
    });

    it('resolves immediately when keepFiringForMs is 0', () => {
      const es = run(rule({ forMs: 0, keepFiringForMs: 0 }), [
        [0, 0.9],
        [1, 0.5],
      ]);
      expect(transitions(es)).toEqual(['firing', 'resolved']);
    });
  });

  describe('an observation that is not computable', () => {
    const states: RuleState[] = [
      INACTIVE,
      state({ phase: 'pending', activeSince: 0, lastTrueAt: 30_000, previous: { inferenceLoad: 0.9 } }),
      state({ phase: 'firing', activeSince: 0, lastTrueAt: 90_000, firedAt: 60_000, flapTimes: [60_000], previous: { inferenceLoad: 0.9 } }),
      state({ phase: 'nodata', activeSince: 0, lastTrueAt: 90_000, firedAt: 60_000, flapTimes: [60_000] }),
    ];

    it.each(states)('changes nothing from phase $phase (null, undefined, missing or NaN)', (from) => {
      for (const values of [{ inferenceLoad: null }, { inferenceLoad: undefined }, {}, { inferenceLoad: NaN }, { prbDlPct: 99 }]) {
        expect(evaluateRule(rule({ keepFiringForMs: 0 }), from, values, 10_000_000)).toEqual({ state: from });
      }
    });

    it('does not interrupt a pending period', () => {
      const es = run(rule(), [
        [0, 0.9],
        [30_000, null],
        [60_000, 0.9],
      ]);
      expect(transitions(es)).toEqual(['pending', undefined, 'firing']);
    });

    it('does not replace the remembered values, so a drop is measured across the gap', () => {
      const r = rule({ forMs: 0 }, { metric: 'thpDlMbps', op: 'dropPct', threshold: 30 });
      const es = run(r, [
        [0, { thpDlMbps: 100 }],
        [MIN, { thpDlMbps: null }],
        [2 * MIN, { thpDlMbps: 60 }],
      ]);
      expect(es[1].state.previous).toEqual({ thpDlMbps: 100 });
      expect(transitions(es)).toEqual([undefined, undefined, 'firing']);
    });
  });

  describe('operators', () => {
    // threshold 10, forMs 0: does 9 / 10 / 11 fire from inactive?
    it.each([
      ['>', [false, false, true]],
      ['>=', [false, true, true]],
      ['<', [true, false, false]],
      ['<=', [true, true, false]],
    ] as const)('%s 10 on 9, 10, 11 → %j', (op, expected) => {
      const r = rule({ forMs: 0 }, { op, threshold: 10 });
      const fired = [9, 10, 11].map((v) => evaluateRule(r, INACTIVE, { inferenceLoad: v }, 0).transition === 'firing');
      expect(fired).toEqual(expected);
    });

    it.each([
      ['>', 10, 10],
      ['>=', 10, 9.5],
      ['<', 10, 10],
      ['<=', 10, 10.5],
    ] as const)('%s also decides recovery (threshold %p, resolving value %p)', (op, threshold, resolving) => {
      const r = rule({ forMs: 0 }, { op, threshold });
      const firing = state({ phase: 'firing', activeSince: 0, lastTrueAt: 0, firedAt: 0 });
      expect(evaluateRule(r, firing, { inferenceLoad: threshold }, 1_000).transition).toBe(op.includes('=') ? undefined : 'resolved');
      expect(evaluateRule(r, firing, { inferenceLoad: resolving }, 1_000).transition).toBe('resolved');
    });

    describe('dropPct', () => {
      const r = rule({ forMs: 0 }, { metric: 'thpDlMbps', op: 'dropPct', threshold: 30 });
      const after = (previous: number | undefined, value: number) =>
        evaluateRule(r, state({ previous: previous === undefined ? {} : { thpDlMbps: previous } }), { thpDlMbps: value }, 0).transition === 'firing';

      it('holds when the value fell by at least the threshold percent since the previous observation', () => {
        expect([after(100, 70), after(100, 69), after(100, 71), after(100, 130)]).toEqual([true, true, false, false]);
      });

      it('does not hold without a positive previous value', () => {
        // From 0 to -5 or from -10 to 0 the formula would say +∞ % and 100 %.
        expect([after(undefined, 0), after(0, -5), after(-10, 0)]).toEqual([false, false, false]);
      });

      it('compares with the preceding observation the evidence brings, not the one the instance remembers', () => {
        const remembers100 = state({ previous: { thpDlMbps: 100 } });
        expect(evaluateRule(r, remembers100, { thpDlMbps: 70 }, 0, { thpDlMbps: 80 }).transition).toBeUndefined();
        expect(evaluateRule(r, INACTIVE, { thpDlMbps: 70 }, 0, { thpDlMbps: 100 }).transition).toBe('firing');
        // A preceding observation without the metric is no drop, whatever is remembered.
        expect(evaluateRule(r, remembers100, { thpDlMbps: 50 }, 0, {}).transition).toBeUndefined();
      });
    });
  });

  describe('composite conditions: radio protection', () => {
    // inferenceLoad > 0.9 AND (prbDlPct > 85 OR thpDlMbps fell by 30 %)
    const radio = rule({ forMs: 0 }, { threshold: 0.9, recoveryThreshold: 0.8 });
    const r: AlertRule = {
      ...radio,
      any: [
        { metric: 'prbDlPct', op: '>', threshold: 85, recoveryThreshold: 75 },
        { metric: 'thpDlMbps', op: 'dropPct', threshold: 30 },
      ],
    };
    const from = state({ previous: { inferenceLoad: 0.5, prbDlPct: 50, thpDlMbps: 100 } });
    const fires = (values: MetricValues) => evaluateRule(r, from, values, 0).transition === 'firing';

    it.each([
      ['load and PRB high', { inferenceLoad: 0.95, prbDlPct: 90, thpDlMbps: 100 }, true],
      ['load high, throughput fell 30 %', { inferenceLoad: 0.95, prbDlPct: 50, thpDlMbps: 70 }, true],
      ['load high, throughput fell 20 %, PRB low', { inferenceLoad: 0.95, prbDlPct: 50, thpDlMbps: 80 }, false],
      ['PRB high but load not', { inferenceLoad: 0.9, prbDlPct: 90, thpDlMbps: 50 }, false],
      ['load high, any metrics missing', { inferenceLoad: 0.95, prbDlPct: null }, false],
    ] as const)('%s → fires: %p', (_, values, expected) => {
      expect(fires(values)).toBe(expected);
    });

    it('is not computable without the `all` metric, however bad the others look', () => {
      expect(evaluateRule(r, from, { prbDlPct: 99, thpDlMbps: 1 }, 0)).toEqual({ state: from });
    });

    it('remembers every condition metric that had a value, for the next drop', () => {
      expect(evaluateRule(r, from, { inferenceLoad: 0.5, prbDlPct: null, thpDlMbps: 80, radioLoad: 0.3 }, 0).state.previous).toEqual({ inferenceLoad: 0.5, thpDlMbps: 80 });
    });

    it('applies every recovery threshold once active, and resolves when the `any` part no longer holds', () => {
      const es = run(r, [
        [0, { inferenceLoad: 0.95, prbDlPct: 90, thpDlMbps: 100 }],
        [MIN, { inferenceLoad: 0.85, prbDlPct: 80, thpDlMbps: 100 }], // both above their recovery bounds
        [2 * MIN, { inferenceLoad: 0.85, prbDlPct: 70, thpDlMbps: 100 }], // PRB below 75, no drop
      ]);
      expect(transitions(es)).toEqual(['firing', undefined, 'resolved']);
    });

    it('holds on `any` alone when `all` is empty', () => {
      const anyOnly: AlertRule = { ...r, all: [] };
      expect(evaluateRule(anyOnly, INACTIVE, { prbDlPct: 90 }, 0).transition).toBe('firing');
      expect(evaluateRule(anyOnly, INACTIVE, { prbDlPct: 50 }, 0)).toEqual({ state: state({ previous: { prbDlPct: 50 }, evaluatedThrough: 0 }) });
      expect(evaluateRule(anyOnly, INACTIVE, { inferenceLoad: 0.99 }, 0)).toEqual({ state: INACTIVE });
    });
  });

  describe('absence rules', () => {
    it('are ordinary rules over silenceMs', () => {
      const r = rule({ kind: 'absence', target: 'site', forMs: 0 }, { metric: 'silenceMs', op: '>=', threshold: 120_000 });
      const es = run(r, [
        [60_000, { silenceMs: 60_000 }],
        [120_000, { silenceMs: 120_000 }],
        [130_000, { silenceMs: 0 }],
      ]);
      expect(transitions(es)).toEqual([undefined, 'firing', 'resolved']);
    });
  });

  describe('flap damping', () => {
    // forMs 0, flap window 10 minutes, 4 transitions: the condition toggles every minute for 10 minutes.
    const r = rule({ forMs: 0 });
    const toggling = Array.from({ length: 21 }, (_, k): [number, number] => [k * MIN, k <= 10 && k % 2 === 0 ? 0.9 : 0.5]);

    it('lets the first transitions through, then holds the flapping alert until a quiet flap window has passed', () => {
      const es = run(r, toggling);
      expect(transitions(es)).toEqual(['firing', 'resolved', 'firing', 'resolved', 'firing', ...Array(15).fill(undefined), 'resolved']);
      expect(es.map((e) => e.state.flapping)).toEqual([false, false, false, false, ...Array(16).fill(true), false]);
      // The last true observation was at minute 10: still kept at minute 19, resolved at minute 20.
      expect(es[19].state).toMatchObject({ phase: 'firing', lastTrueAt: 10 * MIN, activeSince: 4 * MIN, firedAt: 4 * MIN });
      expect(es[20]).toEqual({ state: state({ flapTimes: [20 * MIN], previous: { inferenceLoad: 0.5 }, evaluatedThrough: 20 * MIN }), transition: 'resolved', resolvedFromFiring: true });
    });

    it('counts firing and resolved transitions within the window only', () => {
      expect(run(r, toggling.slice(0, 5))[4].state.flapTimes).toEqual([0, MIN, 2 * MIN, 3 * MIN, 4 * MIN]);
      // Every four minutes: at most three transitions ever fall within ten minutes.
      const slow = run(r, Array.from({ length: 12 }, (_, k): [number, number] => [k * 4 * MIN, k % 2 === 0 ? 0.9 : 0.5]));
      expect(transitions(slow)).toEqual(Array.from({ length: 12 }, (_, k) => (k % 2 === 0 ? 'firing' : 'resolved')));
      expect(slow.every((e) => !e.state.flapping)).toBe(true);
      expect(slow[11].state.flapTimes).toEqual([36 * MIN, 40 * MIN, 44 * MIN]);
    });

    it('keeps a transition exactly one window old', () => {
      const es = run(rule({ forMs: 0, flap: { windowMs: 10 * MIN, maxTransitions: 3 } }), [
        [0, 0.9],
        [5 * MIN, 0.5],
        [10 * MIN, 0.9],
      ]);
      expect(es[2].state).toMatchObject({ flapTimes: [0, 5 * MIN, 10 * MIN], flapping: true });
    });

    it('does not count pending transitions', () => {
      const es = run(rule({ forMs: MIN }), [
        [0, 0.9],
        [MIN, 0.9],
      ]);
      expect(es[0].state.flapTimes).toEqual([]);
      expect(es[1].state.flapTimes).toEqual([MIN]);
    });

    it('replaces a shorter keepFiringForMs with the flap window while flapping', () => {
      const es = run(rule({ forMs: 0, keepFiringForMs: 3 * MIN, flap: { windowMs: 10 * MIN, maxTransitions: 3 } }), [
        [0, 0.9],
        [4 * MIN, 0.5], // 4 minutes ≥ keepFiringForMs: resolves
        [8 * MIN, 0.9], // third transition: flapping
        [12 * MIN, 0.5], // would resolve after 3 minutes, but flapping waits 10
        [17 * MIN, 0.5],
        [18 * MIN, 0.5],
      ]);
      expect(transitions(es)).toEqual(['firing', 'resolved', 'firing', undefined, undefined, 'resolved']);
      expect(es.map((e) => e.state.flapping)).toEqual([false, false, true, true, true, false]);
    });
  });
});
