/** A rule over one numeric metric of a window, in Prometheus vocabulary plus a recovery threshold. */
export interface ThresholdRule {
  readonly id: string;
  readonly alertname: string;
  readonly metric: string;
  readonly op: '>' | '>=' | '<' | '<=';
  readonly threshold: number;
  /** Hysteresis: once active, the alert stays until the value passes this (defaults to `threshold`). */
  readonly recoveryThreshold?: number;
  /** Pending period before firing (event time). */
  readonly forMs: number;
  /** Stays firing this long after the condition clears. */
  readonly keepFiringForMs: number;
  readonly severity: 'critical' | 'warning' | 'info';
  readonly labels: Readonly<Record<string, string>>;
  /** Templates: `{{ $value }}` and `{{ $labels.<name> }}`. */
  readonly annotations: Readonly<Record<string, string>>;
}

export type AlertPhase = 'inactive' | 'pending' | 'firing';

export interface RuleState {
  readonly phase: AlertPhase;
  /** Event time the condition first held in this episode. */
  readonly activeSince: number | null;
  /** Event time the condition last held. */
  readonly lastTrueAt: number | null;
}

export const INACTIVE: RuleState = { phase: 'inactive', activeSince: null, lastTrueAt: null };

export type Transition = 'pending' | 'firing' | 'resolved';

export interface Evaluation {
  readonly state: RuleState;
  /** Set when the change must be announced. */
  readonly transition?: Transition;
}

function compare(op: ThresholdRule['op'], value: number, bound: number): boolean {
  switch (op) {
    case '>':
      return value > bound;
    case '>=':
      return value >= bound;
    case '<':
      return value < bound;
    case '<=':
      return value <= bound;
  }
}

/**
 * One step of the rule state machine for an observation at event time `at`.
 * `value === null` (metric not computable) changes nothing; no-data handling is a separate rule kind.
 */
export function evaluateThreshold(rule: ThresholdRule, state: RuleState, value: number | null, at: number): Evaluation {
  if (value === null) return { state };
  const bound = state.phase === 'inactive' ? rule.threshold : (rule.recoveryThreshold ?? rule.threshold);
  const holds = compare(rule.op, value, bound);

  if (holds) {
    const activeSince = state.activeSince ?? at;
    const firing = at - activeSince >= rule.forMs;
    const phase = firing ? 'firing' : 'pending';
    const next: RuleState = { phase, activeSince, lastTrueAt: at };
    return phase === state.phase ? { state: next } : { state: next, transition: phase };
  }
  if (state.phase === 'firing' && state.lastTrueAt !== null && at - state.lastTrueAt < rule.keepFiringForMs) {
    return { state };
  }
  return state.phase === 'inactive' ? { state } : { state: INACTIVE, transition: 'resolved' };
}

export function renderTemplate(template: string, value: number | null, labels: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{\s*\$(value|labels\.([A-Za-z_][A-Za-z0-9_]*))\s*\}\}/g, (_, whole: string, label?: string) =>
    label ? (labels[label] ?? '') : value === null ? 'n/a' : String(Number(value.toFixed(4))),
  );
}
