import { LABEL_NAME, labelValue, type Labels } from './labels';
import { RuleFormatError } from './rule.errors';
import type { Matcher, MatchOp } from './rule.model';

/** `name`, an operator (two-character ones first), the raw value; whitespace around each is ignored. */
const MATCHER = /^\s*([^\s=!~]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/s;

/** Builds a matcher, checking its name and (for `=~` and `!~`) that its regex compiles. */
export function createMatcher(name: string, op: MatchOp, value: string): Matcher {
  if (!LABEL_NAME.test(name)) throw new RuleFormatError(`invalid label name "${name}"`);
  if (op === '=~' || op === '!~') anchored(value);
  return { name, op, value };
}

/** Parses Alertmanager's matcher syntax: `name="value"`, `name!="v"`, `name=~"re"`, `name!~"re"`; quotes are optional. */
export function parseMatcher(text: string): Matcher {
  const parts = MATCHER.exec(text);
  if (!parts) throw new RuleFormatError(`"${text}" is not a matcher: expected name="value", name!="value", name=~"regex" or name!~"regex"`);
  return createMatcher(parts[1], parts[2] as MatchOp, unescape(parts[3]));
}

/**
 * Alertmanager's escapes: `\n`, `\"` and `\\`; any other backslash is kept, so regexes like `skt\.1` need
 * no doubling. A value in quotes must end at its closing quote.
 */
function unescape(raw: string): string {
  const quoted = raw.startsWith('"');
  const body = quoted ? raw.slice(1) : raw;
  let value = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\' && i < body.length - 1) {
      const next = body[++i];
      value += next === 'n' ? '\n' : next === '"' || next === '\\' ? next : `\\${next}`;
    } else if (c === '"') {
      if (!quoted || i !== body.length - 1) throw new RuleFormatError(`unescaped double quote in matcher value ${raw}`);
      return value;
    } else {
      value += c;
    }
  }
  if (quoted) throw new RuleFormatError(`missing closing double quote in matcher value ${raw}`);
  return value;
}

/** The inverse of parseMatcher, quoting the value as Alertmanager prints matchers. */
export function formatMatcher(m: Matcher): string {
  const value = m.value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
  return `${m.name}${m.op}"${value}"`;
}

// Matchers run on every sample: compile each regex once. The set of regexes is that of rules and silences.
const compiled = new Map<string, RegExp>();

/** Anchored like Alertmanager (`^(?:re)$`): the regex must match the whole value. */
function anchored(source: string): RegExp {
  let re = compiled.get(source);
  if (!re) {
    try {
      re = new RegExp(`^(?:${source})$`);
    } catch {
      throw new RuleFormatError(`invalid regular expression "${source}"`);
    }
    compiled.set(source, re);
  }
  return re;
}

function matches(m: Matcher, labels: Labels): boolean {
  const value = labelValue(labels, m.name);
  switch (m.op) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~':
      return anchored(m.value).test(value);
    case '!~':
      return !anchored(m.value).test(value);
  }
}

/** Whether every matcher matches; a missing label has the empty value, so `site!="x"` and `site=""` match it. */
export function matchesAll(matchers: readonly Matcher[], labels: Labels): boolean {
  return matchers.every((m) => matches(m, labels));
}
