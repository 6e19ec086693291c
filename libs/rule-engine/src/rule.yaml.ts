import { LineCounter, parseDocument, stringify } from 'yaml';
import { formatMatcher } from './matchers';
import type { AlertRule } from './rule.model';
import { parseRuleSet, type RuleSetResult } from './rule.schema';

/** Reads a `rules:` YAML document; a syntax error is one issue at path '' naming its line and column. */
export function rulesFromYaml(text: string): RuleSetResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const [error] = doc.errors;
  if (error) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    return { ok: false, issues: [{ path: '', message: `YAML syntax error at line ${line}, column ${col}: ${error.message}` }] };
  }
  return parseRuleSet(doc.toJS());
}

/** Writes rules as a `rules:` YAML document that rulesFromYaml reads back to equal rules; scopes as matcher text. */
export function rulesToYaml(rules: readonly AlertRule[]): string {
  // Rules often share default objects: write each in full rather than as YAML anchors and aliases.
  return stringify({ rules: rules.map((rule) => ({ ...rule, scope: rule.scope.map(formatMatcher) })) }, { aliasDuplicateObjects: false });
}
