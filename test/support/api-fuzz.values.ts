import type { JsonSchema } from './api-fuzz.openapi';

/**
 * Values that break a documented schema for sure, and the predicates that decide it. A generator draws
 * candidates and keeps only those the predicate calls broken, so no case can be valid by accident.
 */

export type Random = () => number;
export const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

/** An RFC 3339 date-time (JSON Schema's `date-time`), ranges checked: anything else breaks that format. */
export function isDateTime(value: string): boolean {
  const m = RFC3339.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const [offsetHour, offsetMinute] = [Number(m[8] ?? 0), Number(m[9] ?? 0)];
  // Day 0 of the next month is this month's last.
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 60 && offsetHour <= 23 && offsetMinute <= 59;
}

/**
 * Whether a text breaks a string schema under both readings of its length: zod counts UTF-16 code
 * units, JSON Schema code points, so "too long" must hold for the smaller count and "too short" for the larger.
 */
export function breaksString(schema: JsonSchema, value: string): boolean {
  if (schema.enum) return !schema.enum.includes(value);
  if (schema.maxLength !== undefined && [...value].length > schema.maxLength) return true;
  if (schema.minLength !== undefined && value.length < schema.minLength) return true;
  if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) return true;
  if (schema.format === 'uuid') return !UUID.test(value);
  if (schema.format === 'date-time') return !isDateTime(value);
  return false;
}

/** Whether a query or path value breaks its parameter's schema; integers are read as zod's `coerce.number` reads them (`Number(text)`). */
export function breaksParameter(schema: JsonSchema, value: string): boolean {
  if (schema.type !== 'integer') return breaksString(schema, value);
  const n = Number(value);
  return !Number.isInteger(n) || (schema.minimum !== undefined && n < schema.minimum) || (schema.maximum !== undefined && n > schema.maximum);
}

/** Whether a number breaks a number schema's type or range. */
export function breaksNumber(schema: JsonSchema, n: number): boolean {
  if (!Number.isFinite(n) || (schema.type === 'integer' && !Number.isInteger(n))) return true;
  if (schema.minimum !== undefined && n < schema.minimum) return true;
  if (schema.maximum !== undefined && n > schema.maximum) return true;
  if (schema.exclusiveMinimum !== undefined && n <= schema.exclusiveMinimum) return true;
  return schema.exclusiveMaximum !== undefined && n >= schema.exclusiveMaximum;
}

/** Odd texts: blanks, controls, bidi and byte-order marks, non-Latin scripts and emoji, injection-shaped, number- and keyword-shaped. */
const ODD_TEXTS = [
  ' ',
  '!',
  'a b',
  '\u0000',
  '\n',
  '\r\n',
  '\t',
  '\u001b[31m',
  '\u202e',
  '\ufeff',
  'ü日本\u{1F4A5}',
  'Ａ',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '${jndi:ldap://x}',
  '{{7*7}}',
  '../../etc/passwd',
  '%00',
  'NaN',
  '-1',
  '1e400',
  'null',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
];
/** Broken date-times: not RFC 3339 (no offset, a date alone, another notation) or out of range. */
const BROKEN_DATE_TIMES = ['2026-11-27', '2026-11-27T00:00:00', '2026-11-27 00:00', '27/11/2026', 'yesterday', '2026-13-01T00:00:00Z', '2026-02-30T00:00:00Z', '2026-11-27T24:00:00Z', '2026-11-27T23:60:00Z', '+275760-09-13T00:00:00Z'];

/** A text that breaks a string (or integer-as-text) schema: odd, too long, too short, off its enum, pattern or format. */
export function brokenText(random: Random, schema: JsonSchema, breaks: (value: string) => boolean): string {
  // Multi-byte characters only for short limits: percent-encoded in a URL they take 6 or 12 bytes each, and the request line must stay under the server's 16 KiB.
  const longerThan = (n: number) => pick(random, n > 500 ? ['x', '9'] : ['x', 'ü', '\u{1F4A5}', '9']).repeat(n + 1 + Math.floor(random() * Math.min(n, 500)));
  const candidates = [
    ...ODD_TEXTS,
    '',
    ...BROKEN_DATE_TIMES,
    ...(schema.enum ?? []).flatMap((v) => [String(v).toUpperCase(), ` ${String(v)}`, `${String(v)}\u0000`]),
    ...(schema.maxLength !== undefined ? [longerThan(schema.maxLength)] : []),
    ...(schema.maximum !== undefined ? [String(schema.maximum + 1), `${schema.maximum}.5`] : []),
    ...(schema.minimum !== undefined ? [String(schema.minimum - 1)] : []),
    ...(schema.format === 'uuid' ? ['00000000-0000-0000-0000-00000000000g', '{00000000-0000-0000-0000-000000000000}'] : []),
  ].filter(breaks);
  return pick(random, candidates);
}
