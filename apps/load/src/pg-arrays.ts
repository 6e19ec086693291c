/**
 * Postgres array literals for `unnest($n::<type>[])` parameters, built in one pass by string concatenation.
 * node-postgres turns a JS array parameter into the same literal, but element by element through its
 * generic value conversion (a Date becomes an ISO string by hand, every text is escaped with two
 * regular expressions); at tens of thousands of rows per statement that was the load service's largest
 * CPU cost. Times travel as epoch milliseconds (float8), turned into timestamptz in SQL by `at()` in load.sql.ts.
 */

type Nullable<T> = T | null | undefined;

/** `float8[]`, `int[]` or `bigint[]`: numbers in their shortest round-trip form (what float8in reads back exactly); null/undefined as NULL. */
export function numbers(values: ReadonlyArray<Nullable<number>>): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ',';
    out += v === null || v === undefined ? 'NULL' : String(v);
  }
  return `${out}}`;
}

const NEEDS_ESCAPE = /["\\]/;
const ESCAPED = /["\\]/g;

/** `text[]` (or `uuid[]`): every element quoted, `"` and `\` escaped; null/undefined as NULL. */
export function texts(values: ReadonlyArray<Nullable<string>>): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ',';
    if (v === null || v === undefined) out += 'NULL';
    else out += NEEDS_ESCAPE.test(v) ? `"${v.replace(ESCAPED, '\\$&')}"` : `"${v}"`;
  }
  return `${out}}`;
}

/** `bool[]`. */
export function booleans(values: readonly boolean[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) out += i > 0 ? (values[i] ? ',t' : ',f') : values[i] ? 't' : 'f';
  return `${out}}`;
}
