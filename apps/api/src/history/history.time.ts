/**
 * Instants as the history routes carry them: microseconds since the epoch (Postgres' own precision) as
 * bigint, read from and written as ISO 8601. A Date holds only milliseconds, so the conversion is by hand.
 */

const FRACTION = /\.(\d+)/;

/** An ISO 8601 date-time with an offset (already validated) as microseconds since the epoch; digits past the sixth are dropped. */
export function parseInstant(iso: string): bigint {
  const digits = FRACTION.exec(iso)?.[1] ?? '';
  const ms = Date.parse(digits ? iso.replace(FRACTION, `.${digits.slice(0, 3).padEnd(3, '0')}`) : iso);
  return BigInt(ms) * 1000n + BigInt(digits.slice(3, 6).padEnd(3, '0'));
}

/** Microseconds since the epoch as ISO 8601 in UTC: milliseconds always, microseconds when there are any. */
export function isoFromMicros(micros: bigint | string): string {
  const us = BigInt(micros);
  let ms = us / 1000n;
  if (ms * 1000n > us) ms -= 1n; // floor, for instants before 1970
  const sub = us - ms * 1000n;
  const base = new Date(Number(ms)).toISOString();
  return sub === 0n ? base : `${base.slice(0, -1)}${sub.toString().padStart(3, '0')}Z`;
}
