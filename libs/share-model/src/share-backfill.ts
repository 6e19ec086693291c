import { type Grant, type RollupWindow, type ShareProduct, type TelemetryReport, unknownSchemaOf } from '@airan/contracts';
import { type PilotOfSite, grantCovers, PLACEMENT_OF, shareView } from './share-view';

/**
 * Where each product's history is rebuilt from, each event exactly as it was published (docs/partners.md):
 * - `postgres`: cell-load from every stored revision (`load.cell_window_revisions`), alerts from the api's
 *   read model of the alert topic (`api.alert_events`, whole payloads);
 * - `topic`: the source topic itself, as far back as its retention reaches. Postgres keeps only a rollup
 *   window's latest version, and a report's samples but not the report (its id, `receivedAt`, grouping).
 *   `timeOf` is the time a grant's window is measured at for an event read back: a rollup's window start,
 *   a report's reception (NaN when the event does not say). Every record is written after that time, so
 *   none that counts lies before the first offset whose record timestamp reaches the grant's `validFrom`.
 */
export type HistorySource = { readonly from: 'postgres' } | { readonly from: 'topic'; readonly timeOf: (event: object) => number };

export const HISTORY_SOURCE: Readonly<Record<ShareProduct, HistorySource>> = {
  'cell-load': { from: 'postgres' },
  alerts: { from: 'postgres' },
  rollups: { from: 'topic', timeOf: (event) => Date.parse(String((event as Partial<RollupWindow>).windowStart)) },
  telemetry: { from: 'topic', timeOf: (event) => Number((event as Partial<TelemetryReport>).receivedAt) },
};

/** A source message read as an event, or why it is not shared: it is no JSON object, or has a schema this build does not read. */
export type SourceEvent = { readonly event: object } | { readonly skipped: 'unreadable' } | { readonly skipped: 'unknown-schema'; readonly schema: string };

/** Reads a source message the way every copy of it is made, live or from history. */
export function readSourceEvent(value: Buffer | null): SourceEvent {
  let event: unknown = null;
  try {
    if (value !== null) event = JSON.parse(value.toString('utf8'));
  } catch {
    // not JSON: unreadable below
  }
  if (event === null || typeof event !== 'object') return { skipped: 'unreadable' };
  const schema = unknownSchemaOf(event);
  return schema === undefined ? { event } : { skipped: 'unknown-schema', schema };
}

/** One event rebuilt from history, with the time the grant's window is measured at (a window's start, an alert's evaluation). */
export interface HistoryEvent {
  /** The source's key (null for a message without one, as on the source). */
  readonly key: string | null;
  readonly event: object;
  readonly at: number;
}

/**
 * The partner's copy of a history event under a grant written later, or undefined when the backfill does
 * not give it:
 * - one the live path will copy (`live`: the ids on the source topic at or past the seam) is left to it;
 * - one another of the partner's grants already gives (backfilled or live before this one) is not copied twice;
 * - otherwise the grant gives it when its window holds the event's time and it covers the event, with the
 *   view the live path writes for an event this grant alone covers (the same bytes: shareView's canonical form).
 */
export function backfillView(grant: Grant, otherGrants: readonly Grant[], product: ShareProduct, history: HistoryEvent, live: ReadonlySet<string>, pilotOfSite: PilotOfSite): Record<string, unknown> | undefined {
  const id = (history.event as { id?: unknown }).id;
  if (typeof id !== 'string' || live.has(id)) return undefined;
  const placement = PLACEMENT_OF[product](history.event, pilotOfSite);
  if (otherGrants.some((other) => other.partnerId === grant.partnerId && other.id !== grant.id && grantCovers(other, product, placement))) return undefined;
  // The grant's validity, checked at the event's time, is its window over history.
  return shareView([grant], product, history.event, history.at, pilotOfSite);
}

/**
 * Whether a consumer that stores its offsets (`reached`, next offset per partition) has read everything
 * before the seam (the share group's offsets, by partition); a partition the seam places at 0 holds nothing before it.
 */
export function reachedSeam(reached: ReadonlyMap<number, bigint>, seam: ReadonlyMap<number, number>): boolean {
  return [...seam].every(([partition, offset]) => offset === 0 || (reached.get(partition) ?? 0n) >= BigInt(offset));
}
