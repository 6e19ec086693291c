import { matchesAll } from './matchers';
import type { Labels } from './labels';
import type { Silence } from './rule.model';

/** Active over [startsAt, endsAt), as Alertmanager's silences, and matching every one of its matchers. */
function silences(s: Silence, labels: Labels, now: number): boolean {
  return s.startsAt <= now && now < s.endsAt && matchesAll(s.matchers, labels);
}

/** Ids of the silences that mute an alert with these labels at `now`. */
export function activeSilences(all: readonly Silence[], labels: Labels, now: number): string[] {
  return all.filter((s) => silences(s, labels, now)).map((s) => s.id);
}

/** Ids of the active `endsOnResolve` silences on these labels: they expire when this alert resolves. */
export function silencesEndingOnResolve(all: readonly Silence[], labels: Labels, now: number): string[] {
  return all.filter((s) => s.endsOnResolve && silences(s, labels, now)).map((s) => s.id);
}
