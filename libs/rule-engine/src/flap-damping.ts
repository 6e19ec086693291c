import type { AlertRule, FlapDamping, RuleState } from './rule.model';

/** The flap history after a firing or resolved transition at `at`: times that left the window are dropped. */
export function recordFlap(flapTimes: readonly number[], at: number, flap: FlapDamping): number[] {
  return [...flapTimes.filter((t) => t >= at - flap.windowMs), at];
}

/**
 * How long a firing alert outlives its condition. A flapping alert waits a whole flap window, so receivers
 * see one firing and one resolve instead of a storm.
 */
export function keepFiringForMs(rule: AlertRule, state: RuleState): number {
  return state.flapping ? Math.max(rule.keepFiringForMs, rule.flap.windowMs) : rule.keepFiringForMs;
}
