import { createHash } from 'node:crypto';

/** Fields every event on an airan topic carries (docs/architecture.md §2). */
export interface EventEnvelope<S extends string> {
  /** Schema and version of the value, e.g. `airan.cell-load/1`. */
  readonly schema: S;
  /** Stable id: consumers de-duplicate on it. */
  readonly id: string;
}

/**
 * A deterministic event id (UUID-shaped SHA-1 of its parts): the same fact always gets the same id,
 * so a replay re-emits an event consumers already de-duplicate.
 */
export function stableEventId(...parts: ReadonlyArray<string | number>): string {
  const hex = createHash('sha1').update(parts.join('|')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
