import { LineCounter, parseDocument, stringify } from 'yaml';
import { formatMatcher } from './matchers';
import type { AlertRule } from './rule.model';
import { parseRuleSet, type RuleSetResult } from './rule.schema';

/** Reads a `rules:` YAML document; a syntax or alias error is one issue at path '' (a syntax error names its line and column). */
export function rulesFromYaml(text: string): RuleSetResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const [error] = doc.errors;
  if (error) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    return { ok: false, issues: [{ path: '', message: `YAML syntax error at line ${line}, column ${col}: ${error.message}` }] };
  }
  // Aliases are resolved only here, and the yaml library throws a ReferenceError for one naming no anchor and
  // for so many that expanding them would blow the document up (a "billion laughs"): both are the sender's error.
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (aliasError) {
    if (!(aliasError instanceof ReferenceError)) throw aliasError;
    return { ok: false, issues: [{ path: '', message: `YAML alias error: ${aliasError.message}` }] };
  }
  return parseRuleSet(value);
}

/** Writes rules as a `rules:` YAML document that rulesFromYaml reads back to equal rules; scopes as matcher text. */
export function rulesToYaml(rules: readonly AlertRule[]): string {
  // Rules often share default objects: write each in full rather than as YAML anchors and aliases.
  return stringify({ rules: rules.map((rule) => ({ ...rule, scope: rule.scope.map(formatMatcher) })) }, { aliasDuplicateObjects: false });
}
