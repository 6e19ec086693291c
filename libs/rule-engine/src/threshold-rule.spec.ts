import { evaluateThreshold, INACTIVE, renderTemplate, type Evaluation, type RuleState, type ThresholdRule } from './threshold-rule';

function rule(overrides: Partial<ThresholdRule> = {}): ThresholdRule {
  return {
    id: 'r1',
    alertname: 'CellInferenceLoadHigh',
    metric: 'inferenceLoad',
    op: '>',
    threshold: 0.8,
    forMs: 60_000,
    keepFiringForMs: 0,
    severity: 'warning',
    labels: {},
    annotations: {},
    ...overrides,
  };
}

/** Feeds observations in order and returns every evaluation. */
function run(r: ThresholdRule, observations: ReadonlyArray<[at: number, value: number | null]>, start: RuleState = INACTIVE): Evaluation[] {
  const out: Evaluation[] = [];
  let state = start;
  for (const [at, value] of observations) {
    const e = evaluateThreshold(r, state, value, at);
    out.push(e);
    state = e.state;
  }
  return out;
}

const phases = (es: Evaluation[]) => es.map((e) => e.state.phase);
const transitions = (es: Evaluation[]) => es.map((e) => e.transition);

describe('evaluateThreshold', () => {
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
      expect(es[0].state).toEqual({ phase: 'pending', activeSince: 0, lastTrueAt: 0 });
      expect(es[1].state).toEqual({ phase: 'pending', activeSince: 0, lastTrueAt: 30_000 });
      expect(es[3].state).toEqual({ phase: 'firing', activeSince: 0, lastTrueAt: 60_000 });
      expect(es[4].state).toEqual({ phase: 'firing', activeSince: 0, lastTrueAt: 120_000 });
      expect(es[5].state).toEqual(INACTIVE);
    });

    it('measures `for` in event time only: a single later observation fires if far enough after the first', () => {
      const es = run(rule(), [
        [1_000_000, 0.9],
        [1_060_000, 0.9],
      ]);
      expect(transitions(es)).toEqual(['pending', 'firing']);
    });

    it('clears a pending alert with a resolved transition when the condition stops holding', () => {
      const es = run(rule(), [
        [0, 0.9],
        [30_000, 0.5],
      ]);
      expect(phases(es)).toEqual(['pending', 'inactive']);
      expect(transitions(es)).toEqual(['pending', 'resolved']);
      expect(es[1].state).toEqual(INACTIVE);
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
      expect(es[2].state).toEqual({ phase: 'pending', activeSince: 60_000, lastTrueAt: 60_000 });
      expect(es[4].state).toEqual({ phase: 'firing', activeSince: 60_000, lastTrueAt: 120_000 });
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
      expect(es[0].state).toEqual({ phase: 'firing', activeSince: 0, lastTrueAt: 0 });
    });
  });

  describe('while inactive', () => {
    it('stays inactive without a transition when the condition does not hold', () => {
      const e = evaluateThreshold(rule(), INACTIVE, 0.5, 0);
      expect(e.state).toEqual(INACTIVE);
      expect(e.transition).toBeUndefined();
    });

    it('uses the threshold, not the recovery threshold, to become active', () => {
      const r = rule({ forMs: 0, recoveryThreshold: 0.6 });
      expect(evaluateThreshold(r, INACTIVE, 0.7, 0)).toEqual({ state: INACTIVE });
      expect(evaluateThreshold(r, INACTIVE, 0.8, 0)).toEqual({ state: INACTIVE });
      expect(evaluateThreshold(r, INACTIVE, 0.81, 0).transition).toBe('firing');
    });
  });

  describe('hysteresis (recoveryThreshold)', () => {
    it('keeps a firing alert until the value passes the recovery threshold', () => {
      const es = run(rule({ forMs: 0, recoveryThreshold: 0.6 }), [
        [0, 0.9],
        [60_000, 0.7], // below threshold, above recovery: still active
        [120_000, 0.61],
        [180_000, 0.6], // not > 0.6: resolves
        [240_000, 0.7], // inactive again: 0.7 is not > 0.8
      ]);
      expect(phases(es)).toEqual(['firing', 'firing', 'firing', 'inactive', 'inactive']);
      expect(transitions(es)).toEqual(['firing', undefined, undefined, 'resolved', undefined]);
      expect(es[2].state).toEqual({ phase: 'firing', activeSince: 0, lastTrueAt: 120_000 });
    });

    it('applies to pending alerts too (pending is already active)', () => {
      const es = run(rule({ recoveryThreshold: 0.6 }), [
        [0, 0.9],
        [30_000, 0.7],
        [60_000, 0.7],
      ]);
      expect(phases(es)).toEqual(['pending', 'pending', 'firing']);
      expect(transitions(es)).toEqual(['pending', undefined, 'firing']);
    });

    it('works in the other direction for a low-value rule', () => {
      const es = run(rule({ op: '<', threshold: 0.2, recoveryThreshold: 0.3, forMs: 0 }), [
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
      // While kept firing the state is untouched: lastTrueAt still marks the last time the condition held.
      expect(es[1].state).toEqual({ phase: 'firing', activeSince: 0, lastTrueAt: 0 });
      expect(es[2].state).toEqual({ phase: 'firing', activeSince: 0, lastTrueAt: 0 });
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
      expect(es[2].state).toEqual({ phase: 'firing', activeSince: 0, lastTrueAt: 90_000 });
      expect(es[3].state).toEqual({ phase: 'firing', activeSince: 0, lastTrueAt: 90_000 });
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
        [0, 0.5],
      ]);
      expect(transitions(es)).toEqual(['firing', 'resolved']);
    });
  });

  describe('a null value (metric not computable)', () => {
    const states: RuleState[] = [
      INACTIVE,
      { phase: 'pending', activeSince: 0, lastTrueAt: 30_000 },
      { phase: 'firing', activeSince: 0, lastTrueAt: 90_000 },
    ];

    it.each(states)('changes nothing from phase $phase', (state) => {
      const e = evaluateThreshold(rule({ keepFiringForMs: 0 }), state, null, 10_000_000);
      expect(e.state).toBe(state);
      expect(e.transition).toBeUndefined();
    });

    it('does not interrupt a pending period', () => {
      const es = run(rule(), [
        [0, 0.9],
        [30_000, null],
        [60_000, 0.9],
      ]);
      expect(transitions(es)).toEqual(['pending', undefined, 'firing']);
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
      const r = rule({ op, threshold: 10, forMs: 0 });
      const fired = [9, 10, 11].map((v) => evaluateThreshold(r, INACTIVE, v, 0).transition === 'firing');
      expect(fired).toEqual(expected);
    });

    it.each([
      ['>', 10, 10],
      ['>=', 10, 9.5],
      ['<', 10, 10],
      ['<=', 10, 10.5],
    ] as const)('%s also decides recovery (threshold %p, resolving value %p)', (op, threshold, resolving) => {
      const r = rule({ op, threshold, forMs: 0 });
      const firing: RuleState = { phase: 'firing', activeSince: 0, lastTrueAt: 0 };
      expect(evaluateThreshold(r, firing, threshold, 1_000).transition).toBe(op.includes('=') ? undefined : 'resolved');
      expect(evaluateThreshold(r, firing, resolving, 1_000).transition).toBe('resolved');
    });
  });
});

describe('renderTemplate', () => {
  it('substitutes the value, rounded to at most 4 decimals without trailing zeros', () => {
    expect(renderTemplate('load is {{ $value }}', 0.85126, {})).toBe('load is 0.8513');
    expect(renderTemplate('load is {{ $value }}', 0.5, {})).toBe('load is 0.5');
    expect(renderTemplate('{{ $value }}', 3, {})).toBe('3');
    expect(renderTemplate('{{ $value }}', 1234.56789, {})).toBe('1234.5679');
    expect(renderTemplate('{{ $value }}', -0.25, {})).toBe('-0.25');
  });

  it('renders a null value as n/a', () => {
    expect(renderTemplate('load is {{ $value }}', null, {})).toBe('load is n/a');
  });

  it('substitutes labels, with or without spaces inside the braces', () => {
    const labels = { cell_id: 'cell-7', site: 'lon-1' };
    expect(renderTemplate('{{ $labels.cell_id }} at {{$labels.site}}', 1, labels)).toBe('cell-7 at lon-1');
  });

  it('renders a missing label as the empty string', () => {
    expect(renderTemplate('[{{ $labels.nope }}]', 1, {})).toBe('[]');
  });

  it('substitutes every occurrence and mixed placeholders', () => {
    expect(renderTemplate('{{ $labels.a }}/{{ $value }}/{{ $labels.a }}/{{ $value }}', 0.1, { a: 'x' })).toBe('x/0.1/x/0.1');
  });

  it('leaves text and unknown placeholders alone', () => {
    expect(renderTemplate('no placeholders', 1, {})).toBe('no placeholders');
    expect(renderTemplate('{{ $other }} {{ value }} {{ $labels.1bad }}', 1, {})).toBe('{{ $other }} {{ value }} {{ $labels.1bad }}');
  });

  it('inserts label values literally, including `$` replacement patterns', () => {
    expect(renderTemplate('{{ $labels.x }}', 1, { x: "$& $1 $$ $'" })).toBe("$& $1 $$ $'");
  });
});
