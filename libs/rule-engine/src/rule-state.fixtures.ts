import type { MetricValues } from './conditions';
import { INACTIVE, type AlertRule, type Condition, type Evaluation, type RuleState } from './rule.model';
import { evaluateRule } from './rule-state';

/** Shared by the rule-state specs. */
export const MIN = 60_000;

/** A rule on `inferenceLoad > 0.8` with a one-minute `for`; `when` changes that condition. */
export function rule(overrides: Partial<AlertRule> = {}, when: Partial<Condition> = {}): AlertRule {
  return {
    id: 'r1',
    alertname: 'CellInferenceLoadHigh',
    kind: 'window',
    all: [{ metric: 'inferenceLoad', op: '>', threshold: 0.8, ...when }],
    any: [],
    scope: [],
    forMs: MIN,
    keepFiringForMs: 0,
    flap: { windowMs: 10 * MIN, maxTransitions: 4 },
    groupBy: ['alertname', 'site'],
    escalateAfterMs: null,
    severity: 'warning',
    labels: {},
    annotations: {},
    enabled: true,
    ...overrides,
  };
}

/** A state, INACTIVE but for the fields given. */
export const state = (fields: Partial<RuleState>): RuleState => ({ ...INACTIVE, ...fields });

/** Feeds observations in order and returns every evaluation; a number or null is the `inferenceLoad` value. */
export function run(r: AlertRule, observations: ReadonlyArray<[at: number, values: number | null | MetricValues]>, start: RuleState = INACTIVE): Evaluation[] {
  const out: Evaluation[] = [];
  let current = start;
  for (const [at, values] of observations) {
    const e = evaluateRule(r, current, typeof values === 'object' && values !== null ? values : { inferenceLoad: values }, at);
    out.push(e);
    current = e.state;
  }
  return out;
}

export const phases = (es: Evaluation[]) => es.map((e) => e.state.phase);
export const transitions = (es: Evaluation[]) => es.map((e) => e.transition);
