/**
 * Strings in code-unit order (what `<` compares): a total order, the same whatever the locale, as Postgres
 * sorts text under the C collation. Writers that lock rows in key order use it so they all agree.
 */
export const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
