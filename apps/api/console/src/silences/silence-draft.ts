import type { AlertEvent } from '../api/types';
import { matchesAll, parseMatcher } from '../alerts/alert-labels';

export interface DraftCheck {
  /** Parse errors by field path (`matchers[1]`), as the api would name them. */
  readonly errors: ReadonlyArray<{ path: string; message: string }>;
  /** The active alerts the silence would mute now. */
  readonly matched: readonly AlertEvent[];
}

/**
 * A silence being written: its matchers (one per line, Alertmanager's syntax) checked with the rule
 * engine's own parser, and the current alerts they would match, before anything is sent.
 */
export function checkDraft(matcherLines: string, alerts: readonly AlertEvent[]): DraftCheck {
  const lines = matcherLines.split('\n').map((line) => line.trim()).filter(Boolean);
  const errors: Array<{ path: string; message: string }> = [];
  const matchers = lines.flatMap((line, i) => {
    try {
      return [parseMatcher(line)];
    } catch (error) {
      errors.push({ path: `matchers[${i}]`, message: error instanceof Error ? error.message : String(error) });
      return [];
    }
  });
  if (lines.length === 0) errors.push({ path: 'matchers', message: 'at least one matcher' });
  const matched = errors.length ? [] : alerts.filter((alert) => alert.status !== 'resolved' && matchesAll(matchers, alert.labels));
  return { errors, matched };
}
