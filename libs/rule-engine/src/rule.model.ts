/**
 * The alert rule model, in Prometheus/Alertmanager vocabulary. Pure data: evaluation lives in
 * rule-state.ts, matching in matchers.ts, validation in rule.schema.ts, YAML in rule.yaml.ts.
 */

export type Severity = 'critical' | 'warning' | 'info';

/** Alertmanager matcher: `name="value"`, `name!="value"`, `name=~"regex"`, `name!~"regex"` (regexes anchored). */
export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  readonly name: string;
  readonly op: MatchOp;
  readonly value: string;
}

/**
 * One comparison on one metric. `dropPct` compares with the same instance's previous observation:
 * it holds when the value fell by at least `threshold` percent (for "throughput falls").
 */
export type Comparison = '>' | '>=' | '<' | '<=' | 'dropPct';

export interface Condition {
  readonly metric: string;
  readonly op: Comparison;
  readonly threshold: number;
  /** Hysteresis: once the alert is active this bound applies instead of `threshold` (defaults to it). */
  readonly recoveryThreshold?: number;
}

/**
 * Where a rule is evaluated:
 * - `window`: on each closed window of `airan.cell-load.v1` (metrics of CellLoadWindow);
 * - `sample`: on each raw cell or GPU sample of `airan.telemetry.v1` as it arrives;
 * - `absence`: on a timer, over the derived metric `silenceMs` (time since the site or cell last reported).
 */
export type RuleKind = 'window' | 'sample' | 'absence';

/** Alert instances of sample rules are per cell (`cell` samples) or per GPU (`gpu` samples). */
export type SampleSource = 'cell' | 'gpu';

/** Absence rules watch a whole site or each cell. */
export type AbsenceTarget = 'site' | 'cell';

/** Flap damping: this many firing/resolved transitions within `windowMs` mark an alert flapping. */
export interface FlapDamping {
  readonly windowMs: number;
  readonly maxTransitions: number;
}

export interface AlertRule {
  readonly id: string;
  readonly alertname: string;
  readonly kind: RuleKind;
  /** Set for `sample` rules. */
  readonly source?: SampleSource;
  /** Set for `absence` rules. */
  readonly target?: AbsenceTarget;
  /** The condition holds when every `all` condition holds and, if `any` is not empty, at least one of `any`. */
  readonly all: readonly Condition[];
  readonly any: readonly Condition[];
  /** Only instances whose labels match every matcher are evaluated (labels: operator, pilot, site, cell, node, gpu). */
  readonly scope: readonly Matcher[];
  /** Pending period before firing (event time). */
  readonly forMs: number;
  /** Stays firing this long after the condition clears. */
  readonly keepFiringForMs: number;
  readonly flap: FlapDamping;
  /** Labels a notification is grouped by (Alertmanager `group_by`). */
  readonly groupBy: readonly string[];
  /** A firing alert nobody acknowledged within this time is escalated; null: never. */
  readonly escalateAfterMs: number | null;
  readonly severity: Severity;
  readonly labels: Readonly<Record<string, string>>;
  /** Templates: `{{ $value }}` and `{{ $labels.<name> }}`. */
  readonly annotations: Readonly<Record<string, string>>;
  readonly enabled: boolean;
}

export type AlertPhase = 'inactive' | 'pending' | 'firing' | 'nodata';

export interface RuleState {
  readonly phase: AlertPhase;
  /** Event time the condition first held in this episode. */
  readonly activeSince: number | null;
  /** Event time the condition last held. */
  readonly lastTrueAt: number | null;
  /** Event time this episode reached firing: receivers heard of it, so they must hear the resolve. */
  readonly firedAt: number | null;
  /** Event times of recent firing and resolved transitions (within the rule's flap window). */
  readonly flapTimes: readonly number[];
  readonly flapping: boolean;
  /** The previous observation's metric values, for `dropPct` conditions. */
  readonly previous: Readonly<Record<string, number>>;
  /**
   * Event time of the newest evidence applied (null: none yet). State moves only forward from here:
   * older evidence changes nothing, and evidence at this very time is a revision of it (see rule-state.ts).
   */
  readonly evaluatedThrough: number | null;
}

export const INACTIVE: RuleState = { phase: 'inactive', activeSince: null, lastTrueAt: null, firedAt: null, flapTimes: [], flapping: false, previous: {}, evaluatedThrough: null };

export type Transition = 'pending' | 'firing' | 'resolved' | 'nodata';

export interface Evaluation {
  readonly state: RuleState;
  /** Set when the change must be announced. */
  readonly transition?: Transition;
  /**
   * Set with a `resolved` transition: whether the episode had reached firing (receivers heard of it and
   * must hear the resolve) or ended while pending.
   */
  readonly resolvedFromFiring?: boolean;
  /**
   * Set when the evidence changed nothing because the instance had seen it or newer: `repeat` for a raw
   * sample evaluated already (same subject, same time), `older` for evidence older than the newest applied.
   */
  readonly skipped?: 'repeat' | 'older';
}

/** An Alertmanager-style silence. `endsOnResolve`: it expires as soon as an alert it silences resolves. */
export interface Silence {
  readonly id: string;
  readonly matchers: readonly Matcher[];
  readonly startsAt: number;
  readonly endsAt: number;
  readonly createdBy: string;
  readonly comment: string;
  readonly endsOnResolve: boolean;
}

/** Alertmanager inhibit rule: a firing source alert mutes target alerts that share the `equal` labels. */
export interface InhibitRule {
  readonly sourceMatchers: readonly Matcher[];
  readonly targetMatchers: readonly Matcher[];
  readonly equal: readonly string[];
}
