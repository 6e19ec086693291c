import type { Labels } from './labels';

/** The labels an alert is grouped by (Alertmanager `group_by`): those of `groupBy` the alert has. */
export function groupLabels(groupBy: readonly string[], labels: Labels): Record<string, string> {
  const group: Record<string, string> = {};
  for (const name of groupBy) if (Object.hasOwn(labels, name)) group[name] = labels[name];
  return group;
}

/**
 * Alertmanager's group key for a group under the root route: `{}:` then the group labels as Prometheus
 * prints a label set, `{alertname="X", site="Y"}`, names sorted and values quoted like Go's %q. Label names
 * are ASCII (LABEL_NAME), for which JavaScript's sort is Go's byte order.
 */
export function groupKey(group: Labels): string {
  const pairs = Object.keys(group)
    .sort()
    .map((name) => `${name}=${goQuote(group[name])}`);
  return `{}:{${pairs.join(', ')}}`;
}

const GO_ESCAPES: Readonly<Record<string, string>> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '"': '\\"', '\\': '\\\\' };

// Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Go's strconv.Quote: printable characters as they are, the rest escaped. */
function goQuote(value: string): string {
  let quoted = '"';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    const hex = (digits: number) => code.toString(16).padStart(digits, '0');
    if (GO_ESCAPES[char]) quoted += GO_ESCAPES[char];
    else if (PRINTABLE.test(char)) quoted += char;
    else if (code < 0x20 || code === 0x7f) quoted += `\\x${hex(2)}`;
    // A lone surrogate is not valid UTF-8: Go would see U+FFFD, which is printable.
    else if (code >= 0xd800 && code <= 0xdfff) quoted += '\ufffd';
    else if (code < 0x10000) quoted += `\\u${hex(4)}`;
    else quoted += `\\U${hex(8)}`;
  }
  return `${quoted}"`;
}
