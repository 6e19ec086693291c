import { INACTIVE, type AlertRule } from './rule.model';
import { evaluateRule, evaluateSample, markNoData } from './rule-state';
import { MIN, rule, run, state, transitions } from './rule-state.fixtures';
import { describedValue } from './template';

describe('evidence out of event-time order', () => {
  // Firing since minute 1 (for: 1 min, held since minute 0), newest evidence at minute 3.
  const firing = state({ phase: 'firing', activeSince: 0, lastTrueAt: 3 * MIN, firedAt: MIN, flapTimes: [MIN], previous: { inferenceLoad: 0.95 }, evaluatedThrough: 3 * MIN });

  it('never moves a firing alert back to pending: older evidence that holds changes nothing', () => {
    // Before the guard: at − activeSince < forMs restarted the `for` period (firing → pending).
    const older = state({ ...firing, activeSince: 2 * MIN });
    expect(evaluateRule(rule(), older, { inferenceLoad: 0.99 }, MIN + 30_000)).toEqual({ state: older, skipped: 'older' });
  });

  it('never un-fires on older evidence, so no resolve ends before its episode started', () => {
    expect(evaluateRule(rule(), firing, { inferenceLoad: 0.1 }, 2 * MIN)).toEqual({ state: firing, skipped: 'older' });
  });

  it('applies the whole history again as a no-op: flap times are never added twice', () => {
    const observations: Array<[number, number]> = [0, 1, 2, 3, 4, 5, 6, 7].map((m) => [m * MIN, m % 3 === 2 ? 0.1 : 0.95]);
    const once = run(rule({ forMs: 0 }), observations);
    const last = once.at(-1)!.state;
    const replayed = run(rule({ forMs: 0 }), observations, last);
    expect(replayed.every((e) => e.transition === undefined)).toBe(true);
    expect(replayed.at(-1)!.state).toEqual(last);
    expect(last.flapTimes).toEqual([0, 2 * MIN, 3 * MIN, 5 * MIN, 6 * MIN]);
  });

  describe('a revision of the newest evidence (same event time)', () => {
    it('may start the episode at that instant', () => {
      const quiet = evaluateRule(rule({ forMs: 0 }), INACTIVE, { inferenceLoad: 0.5 }, MIN).state;
      expect(evaluateRule(rule({ forMs: 0 }), quiet, { inferenceLoad: 0.95 }, MIN)).toEqual({
        state: state({ phase: 'firing', activeSince: MIN, lastTrueAt: MIN, firedAt: MIN, flapTimes: [MIN], previous: { inferenceLoad: 0.95 }, evaluatedThrough: MIN }),
        transition: 'firing',
      });
    });

    it('never ends an episode, but its values replace the remembered ones', () => {
      expect(evaluateRule(rule(), firing, { inferenceLoad: 0.1 }, 3 * MIN)).toEqual({ state: { ...firing, previous: { inferenceLoad: 0.1 } } });
    });

    it('does not reopen an episode that ended at that very instant', () => {
      const resolved = evaluateRule(rule(), firing, { inferenceLoad: 0.1 }, 4 * MIN);
      expect(resolved.transition).toBe('resolved');
      expect(evaluateRule(rule(), resolved.state, { inferenceLoad: 0.99 }, 4 * MIN)).toEqual({ state: { ...resolved.state, previous: { inferenceLoad: 0.99 } } });
    });

    it('with an unchanged value changes nothing (an exact duplicate of the newest window)', () => {
      expect(evaluateRule(rule(), firing, { inferenceLoad: 0.95 }, 3 * MIN)).toEqual({ state: firing });
    });

    it('does not re-judge a rule that compares with the previous observation', () => {
      const r = rule({ forMs: 0 }, { metric: 'thpDlMbps', op: 'dropPct', threshold: 30 });
      const seen = run(r, [[0, { thpDlMbps: 100 }], [MIN, { thpDlMbps: 90 }]]).at(-1)!.state;
      // 50 after 100 would be a drop; but the revision replaces the value at minute 1 and 100 is not "the previous" of it any more.
      expect(evaluateRule(r, seen, { thpDlMbps: 50 }, MIN)).toEqual({ state: { ...seen, previous: { thpDlMbps: 50 } } });
    });

    it('re-judges a rule that compares with the previous observation when the revision brings the one before it', () => {
      const r = rule({ forMs: 0 }, { metric: 'thpDlMbps', op: 'dropPct', threshold: 30 });
      const seen = run(r, [[0, { thpDlMbps: 100 }], [MIN, { thpDlMbps: 90 }]]).at(-1)!.state;
      expect(evaluateRule(r, seen, { thpDlMbps: 50 }, MIN, { thpDlMbps: 100 })).toMatchObject({ state: { phase: 'firing', activeSince: MIN, previous: { thpDlMbps: 50 } }, transition: 'firing' });
      expect(evaluateRule(r, seen, { thpDlMbps: 80 }, MIN, { thpDlMbps: 100 })).toEqual({ state: { ...seen, previous: { thpDlMbps: 80 } } });
    });
  });

  describe('evaluateSample', () => {
    const r = rule({ forMs: 0 });
    const seen = evaluateRule(r, INACTIVE, { inferenceLoad: 0.95 }, MIN).state;

    it('skips a sample the instance evaluated already (same subject, same time)', () => {
      expect(evaluateSample(r, seen, { inferenceLoad: 0.1 }, MIN)).toEqual({ state: seen, skipped: 'repeat' });
    });

    it('skips a late sample, older than the newest the instance evaluated', () => {
      expect(evaluateSample(r, seen, { inferenceLoad: 0.1 }, MIN - 1)).toEqual({ state: seen, skipped: 'older' });
    });

    it('evaluates a newer sample as evaluateRule does', () => {
      expect(evaluateSample(r, seen, { inferenceLoad: 0.1 }, MIN + 1)).toEqual(evaluateRule(r, seen, { inferenceLoad: 0.1 }, MIN + 1));
      expect(evaluateSample(r, INACTIVE, { inferenceLoad: 0.95 }, 0).transition).toBe('firing');
    });
  });
});

describe('markNoData', () => {
  const firing = state({ phase: 'firing', activeSince: 0, lastTrueAt: MIN, firedAt: 0, flapTimes: [0], previous: { inferenceLoad: 0.9 } });
  const pending = state({ phase: 'pending', activeSince: 0, lastTrueAt: 0, previous: { inferenceLoad: 0.9 } });

  it('moves a pending or firing alert to nodata, keeping its episode', () => {
    expect(markNoData(firing, 5 * MIN)).toEqual({ state: { ...firing, phase: 'nodata' }, transition: 'nodata' });
    expect(markNoData(pending, 5 * MIN)).toEqual({ state: { ...pending, phase: 'nodata' }, transition: 'nodata' });
  });

  it('leaves inactive and nodata alone', () => {
    const nodata = { ...firing, phase: 'nodata' } as const;
    expect(markNoData(INACTIVE, 0)).toEqual({ state: INACTIVE });
    expect(markNoData(nodata, 0)).toEqual({ state: nodata });
  });

  describe('then evaluateRule', () => {
    const r = rule({ forMs: MIN, keepFiringForMs: 10 * MIN }, { recoveryThreshold: 0.6 });

    it('resolves a firing alert once the condition does not hold, without keep-firing, telling it was heard firing', () => {
      const es = run(r, [[6 * MIN, 0.5]], markNoData(firing, 5 * MIN).state);
      expect(es[0]).toEqual({ state: state({ flapTimes: [0, 6 * MIN], previous: { inferenceLoad: 0.5 }, evaluatedThrough: 6 * MIN }), transition: 'resolved', resolvedFromFiring: true });
    });

    it('resolves a pending alert that never fired without resolvedFromFiring', () => {
      const es = run(r, [[6 * MIN, 0.5]], markNoData(pending, 30_000).state);
      expect(es[0]).toMatchObject({ transition: 'resolved', resolvedFromFiring: false });
    });

    it('holds the alert to the threshold, not the recovery bound', () => {
      // 0.7 would keep a firing alert (recovery 0.6) but does not bring one back from nodata (threshold 0.8).
      expect(run(r, [[6 * MIN, 0.7]], markNoData(firing, 5 * MIN).state)[0].transition).toBe('resolved');
    });

    it('returns a firing alert to firing, in the same episode', () => {
      const es = run(r, [[6 * MIN, 0.9]], markNoData(firing, 5 * MIN).state);
      expect(es[0]).toEqual({
        state: state({ phase: 'firing', activeSince: 0, lastTrueAt: 6 * MIN, firedAt: 0, flapTimes: [0, 6 * MIN], previous: { inferenceLoad: 0.9 }, evaluatedThrough: 6 * MIN }),
        transition: 'firing',
      });
    });

    it('keeps a flapping alert flapping when it returns, however old its flap history', () => {
      const flapping = { ...firing, flapTimes: [0, MIN, 2 * MIN, 3 * MIN], flapping: true };
      const es = run(r, [[30 * MIN, 0.9]], markNoData(flapping, 5 * MIN).state);
      expect(es[0]).toMatchObject({ transition: 'firing', state: { flapTimes: [30 * MIN], flapping: true } });
    });

    it('returns a pending alert to pending, and fires it once `for` has passed since the episode began', () => {
      const es = run(r, [
        [40_000, 0.9],
        [MIN, 0.9],
      ], markNoData(pending, 30_000).state);
      expect(transitions(es)).toEqual(['pending', 'firing']);
      expect(es[1].state).toMatchObject({ activeSince: 0, firedAt: MIN });
    });

    it('changes nothing while the observation is not computable', () => {
      const nodata = markNoData(firing, 5 * MIN).state;
      expect(evaluateRule(r, nodata, { inferenceLoad: null }, 6 * MIN)).toEqual({ state: nodata });
    });
  });
});

describe('describedValue', () => {
  const r = rule();

  it('is the value of the first `all` condition', () => {
    const two: AlertRule = { ...r, all: [...r.all, { metric: 'prbDlPct', op: '>', threshold: 50 }] };
    expect(describedValue(two, { inferenceLoad: 0.93, prbDlPct: 60 })).toBe(0.93);
  });

  it('is the value of the first `any` condition when `all` is empty', () => {
    const anyOnly: AlertRule = { ...r, all: [], any: [{ metric: 'prbDlPct', op: '>', threshold: 50 }, { metric: 'thpDlMbps', op: '<', threshold: 5 }] };
    expect(describedValue(anyOnly, { inferenceLoad: 0.93, prbDlPct: 60, thpDlMbps: 2 })).toBe(60);
  });

  it('is null when that metric has no value', () => {
    expect([describedValue(r, {}), describedValue(r, { inferenceLoad: null }), describedValue(r, { inferenceLoad: NaN })]).toEqual([null, null, null]);
  });
});
