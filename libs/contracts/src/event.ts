import { createHash } from 'node:crypto';
import { z } from 'zod';

/** Fields every event on an airan topic carries (docs/architecture.md §2). */
export interface EventEnvelope<S extends string> {
  /** Schema and version of the value, e.g. `airan.cell-load/1`. */
  readonly schema: S;
  /** Stable id: consumers de-duplicate on it. */
  readonly id: string;
}

/** The zod form of `EventEnvelope`: every event schema starts with these two fields. */
export function envelopeShape<S extends string>(schema: S) {
  return {
    schema: z.literal(schema).describe('schema name and version of this value'),
    id: z.string().uuid().describe('stable event id: consumers de-duplicate on it'),
  };
}

/** An instant as producers write it: ISO 8601 in UTC (`Date.toISOString`). */
export const isoInstant = z.string().datetime({ offset: true });
/** An instant in epoch milliseconds. */
export const epochMs = z.number().int().describe('epoch milliseconds');

/**
 * A deterministic event id (UUID-shaped SHA-1 of its parts): the same fact always gets the same id,
 * so a replay re-emits an event consumers already de-duplicate.
 */
export function stableEventId(...parts: ReadonlyArray<string | number>): string {
  const hex = createHash('sha1').update(parts.join('|')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
