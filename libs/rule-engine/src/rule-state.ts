import { conditionHolds, isComputable, observedValues, usesPrevious, type MetricValues, type Observation } from './conditions';
import { keepFiringForMs, recordFlap } from './flap-damping';
import { INACTIVE, type AlertRule, type Evaluation, type RuleState } from './rule.model';

/**
 * One step of an alert instance's state machine, for an observation at event time `at`:
 * inactive → pending → firing (after `forMs`) → resolved (after `keepFiringForMs`, or a whole flap window
 * while flapping). An observation in which none of the rule's primary metrics has a value is not
 * computable and changes nothing. Absence rules are ordinary rules over `{ silenceMs: now - lastSeen }`.
 *
 * State moves only forward in event time. Evidence older than the newest the instance has applied
 * (`evaluatedThrough`) changes nothing: it would restart `for`, un-fire, or end an episode at a time
 * before its start. Evidence at exactly that time is a revision of it (a window re-closed by late
 * samples) and is judged by `revise`.
 *
 * `dropPct` compares with `preceding` when the evidence brings the observation before it (a cell window
 * brings its cell's preceding window), else with the one the instance remembers (`state.previous`).
 */
export function evaluateRule(rule: AlertRule, state: RuleState, values: MetricValues, at: number, preceding?: Observation): Evaluation {
  if (!isComputable(rule, values)) return { state };
  const seen = state.evaluatedThrough;
  if (seen !== null && at < seen) return { state, skipped: 'older' };
  if (seen === at) return revise(rule, state, values, at, preceding);
  const evaluation = step(rule, state, values, at, preceding ?? state.previous);
  return { ...evaluation, state: { ...evaluation.state, evaluatedThrough: at } };
}

/**
 * Evaluates a raw sample. A sample's identity is its subject (the instance's cell or GPU) and its time,
 * so one at or before the newest the instance has applied was evaluated already (an exact re-send) or
 * is older news (a late sample): neither changes anything.
 */
export function evaluateSample(rule: AlertRule, state: RuleState, values: MetricValues, at: number): Evaluation {
  if (state.evaluatedThrough !== null && at <= state.evaluatedThrough) return { state, skipped: at === state.evaluatedThrough ? 'repeat' : 'older' };
  return evaluateRule(rule, state, values, at);
}

function step(rule: AlertRule, state: RuleState, values: MetricValues, at: number, preceding: Observation): Evaluation {
  // From nodata the alert must earn its way back, so it is held to the threshold, not the recovery bound.
  const active = state.phase === 'pending' || state.phase === 'firing';
  const previous = observedValues(rule, values);
  if (conditionHolds(rule, values, preceding, active)) return activate(rule, state, at, previous);
  const keptFiring = state.phase === 'firing' && state.lastTrueAt !== null && at - state.lastTrueAt < keepFiringForMs(rule, state);
  if (keptFiring || state.phase === 'inactive') return { state: { ...state, previous } };
  return resolve(rule, state, at, previous);
}

/**
 * A revision of the newest evidence (same event time, new values) re-judges that instant without
 * rewinding the clock: it may start or advance an episode there, never end one (the next evidence
 * does), and never reopen one that ended at that very instant. Its values replace the remembered ones.
 * A rule that compares with the previous observation (`dropPct`) re-judges only when the revision brings
 * the observation before it: the one the instance remembers is the revised one's own.
 */
function revise(rule: AlertRule, state: RuleState, values: MetricValues, at: number, preceding: Observation | undefined): Evaluation {
  const active = state.phase === 'pending' || state.phase === 'firing';
  const previous = observedValues(rule, values);
  const endedNow = state.phase === 'inactive' && state.flapTimes.at(-1) === at;
  const unjudgeable = usesPrevious(rule) && preceding === undefined;
  if (unjudgeable || endedNow || !conditionHolds(rule, values, preceding ?? state.previous, active)) return { state: { ...state, previous } };
  return activate(rule, state, at, previous);
}

/** The condition holds: start or continue the episode (from nodata it continues, keeping its start). */
function activate(rule: AlertRule, state: RuleState, at: number, previous: Record<string, number>): Evaluation {
  const activeSince = state.activeSince ?? at;
  const phase = at - activeSince >= rule.forMs ? 'firing' : 'pending';
  const next: RuleState = { ...state, phase, activeSince, lastTrueAt: at, previous };
  if (phase === state.phase) return { state: next };
  if (phase === 'pending') return { state: next, transition: 'pending' };
  const flapTimes = recordFlap(state.flapTimes, at, rule.flap);
  const flapping = state.flapping || flapTimes.length >= rule.flap.maxTransitions;
  return { state: { ...next, firedAt: state.firedAt ?? at, flapTimes, flapping }, transition: 'firing' };
}

/** The episode ends, and flapping with it; the flap history stays, so recent transitions still count if it flaps on. */
function resolve(rule: AlertRule, state: RuleState, at: number, previous: Record<string, number>): Evaluation {
  return {
    state: { ...INACTIVE, flapTimes: recordFlap(state.flapTimes, at, rule.flap), previous },
    transition: 'resolved',
    resolvedFromFiring: state.firedAt !== null,
  };
}

/**
 * The instance's source went silent (Grafana's no-data). A pending or firing alert moves to `nodata`,
 * keeping its episode (activeSince, firedAt) so a later resolve still tells whether receivers heard a
 * firing. `_at` changes nothing, as no timer starts or stops on silence; it keeps the call shaped like
 * evaluateRule's.
 */
export function markNoData(state: RuleState, _at: number): Evaluation {
  if (state.phase !== 'pending' && state.phase !== 'firing') return { state };
  return { state: { ...state, phase: 'nodata' }, transition: 'nodata' };
}
