import type { Grant, ShareProduct } from '@airan/contracts';
import { type PilotOfSite, grantCovers, PLACEMENT_OF, shareView } from './share-view';

/**
 * Products whose every event Postgres can rebuild exactly, with the live event's id and payload:
 * cell-load from every stored revision (`load.cell_window_revisions`), alerts from the api's read model of
 * the alert topic (`api.alert_events`, whole payloads). Rollups keep only their latest version and
 * telemetry only the samples of a report, not the report: neither is backfilled (docs/partners.md).
 */
export const BACKFILLED_PRODUCTS: readonly ShareProduct[] = ['cell-load', 'alerts'];

/** The products of a grant that are backfilled when it is written. */
export const backfilledProductsOf = (grant: Grant): ShareProduct[] => grant.products.filter((product) => BACKFILLED_PRODUCTS.includes(product));

/** One event rebuilt from history, with the time the grant's window is measured at (a window's start, an alert's evaluation). */
export interface HistoryEvent {
  readonly key: string;
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
