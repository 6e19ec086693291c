import { labelValue, type Labels } from './labels';
import { createMatcher, matchesAll } from './matchers';
import type { InhibitRule } from './rule.model';

export interface LabelledAlert {
  readonly fingerprint: string;
  readonly labels: Labels;
}

/** A silent site mutes the alerts of its cells (and every other alert of the site): they are its symptoms. */
export const DEFAULT_INHIBIT_RULES: readonly InhibitRule[] = [
  { sourceMatchers: [createMatcher('alertname', '=', 'SiteSilent')], targetMatchers: [createMatcher('alertname', '!=', 'SiteSilent')], equal: ['site'] },
];

/** As Alertmanager: an `equal` label missing on one side counts as the empty value, so absent on both is equal. */
function sameOn(equal: readonly string[], a: LabelledAlert, b: LabelledAlert): boolean {
  return equal.every((name) => labelValue(a.labels, name) === labelValue(b.labels, name));
}

/** The fingerprint of the first firing source alert that inhibits `target`, or null. An alert never inhibits itself. */
export function inhibitedBy(target: LabelledAlert, firingSources: readonly LabelledAlert[], rules: readonly InhibitRule[]): string | null {
  for (const rule of rules) {
    if (!matchesAll(rule.targetMatchers, target.labels)) continue;
    const source = firingSources.find(
      (s) => s.fingerprint !== target.fingerprint && matchesAll(rule.sourceMatchers, s.labels) && sameOn(rule.equal, s, target),
    );
    if (source) return source.fingerprint;
  }
  return null;
}
