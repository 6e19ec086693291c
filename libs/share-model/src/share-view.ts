import { ALWAYS_REDACTED, type AlertEvent, SHARE_PRODUCTS, SHARE_PRODUCT_NAMES, type CellLoadWindow, type Grant, type RollupWindow, type ShareProduct, type TelemetryReport } from '@airan/contracts';
import { isGrantActive } from './grant-validity';

/** Where an event belongs, as far as it says: a grant covers it through any of them. */
export interface EventPlacement {
  readonly operator?: string | null;
  readonly pilot?: string | null;
  readonly site?: string | null;
}

/** The pilot a site belongs to (from the registry), for events that name only their site. */
export type PilotOfSite = (siteId: string) => string | undefined;

/**
 * Each product's placement of its events. An operator's rollup is placed at its operator only, a pilot's
 * at its pilot and operator: a grant of one site never covers the totals of more than that site.
 */
export const PLACEMENT_OF: Readonly<Record<ShareProduct, (event: unknown, pilotOfSite: PilotOfSite) => EventPlacement>> = {
  'cell-load': (event) => {
    const e = event as Partial<CellLoadWindow>;
    return { operator: e.operatorId, pilot: e.pilotId, site: e.siteId };
  },
  rollups: (event, pilotOfSite) => {
    const e = event as Partial<RollupWindow>;
    if (e.scope === 'site') return { operator: e.operatorId, pilot: e.scopeId === undefined ? undefined : pilotOfSite(e.scopeId), site: e.scopeId };
    return { operator: e.operatorId, pilot: e.scope === 'pilot' ? e.scopeId : undefined };
  },
  alerts: (event) => {
    const labels = (event as Partial<AlertEvent>).labels ?? {};
    return { operator: labels.operator, pilot: labels.pilot, site: labels.site };
  },
  telemetry: (event, pilotOfSite) => {
    const e = event as Partial<TelemetryReport>;
    return { operator: e.operatorId, pilot: e.siteId === undefined ? undefined : pilotOfSite(e.siteId), site: e.siteId };
  },
};

/** Whether a grant gives this product of data placed here: one of its operators, pilots or sites. */
export function grantCovers(grant: Grant, product: ShareProduct, placement: EventPlacement): boolean {
  const named = (ids: readonly string[] | undefined, value: string | null | undefined) => value != null && (ids ?? []).includes(value);
  return grant.products.includes(product) && (named(grant.operatorIds, placement.operator) || named(grant.pilotIds, placement.pilot) || named(grant.siteIds, placement.site));
}

/**
 * A partner's view of one event under its grants: undefined when no grant in force at `now` covers it;
 * else the event without the fields every covering grant redacts (a field one of them lets through is
 * kept) and without those always redacted.
 */
export function shareView(grants: readonly Grant[], product: ShareProduct, event: object, now: number, pilotOfSite: PilotOfSite): Record<string, unknown> | undefined {
  const placement = PLACEMENT_OF[product](event, pilotOfSite);
  const covering = grants.filter((grant) => isGrantActive(grant, now) && grantCovers(grant, product, placement));
  if (covering.length === 0) return undefined;
  const redacted = new Set([...ALWAYS_REDACTED[product], ...covering[0].redact.filter((field) => covering.every((grant) => grant.redact.includes(field)))]);
  return canonicalForm(product, Object.fromEntries(Object.entries(event).filter(([field]) => !redacted.has(field))));
}

/** Each product's fields, ranked in the order its contract lists them (read once: every copy is put in this order). */
const CONTRACT_ORDER: ReadonlyMap<ShareProduct, ReadonlyMap<string, number>> = new Map(
  SHARE_PRODUCT_NAMES.map((product) => [product, new Map(Object.keys((SHARE_PRODUCTS[product].source.unwrap() as { shape: object }).shape).map((field, i) => [field, i]))]),
);

/**
 * A view in one byte form whatever its event was read from: top-level fields in the order of the product's
 * contract (the order producers build events in), fields of nested objects (an alert's labels and
 * annotations) sorted, others after the contract's. An event rebuilt from Postgres (a jsonb payload keeps
 * no key order) is then written exactly as the live copy of the same event.
 */
export function canonicalForm(product: ShareProduct, view: Record<string, unknown>): Record<string, unknown> {
  const order = CONTRACT_ORDER.get(product)!;
  const rank = (field: string) => order.get(field) ?? order.size;
  const fields = Object.keys(view).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(fields.map((field) => [field, sortedKeys(view[field])]));
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]));
}

/** One partner's copy of an event. */
export interface PartnerCopy {
  readonly partnerId: string;
  readonly view: Record<string, unknown>;
}

/** Every partner's view of one event, from all grants (one partner's grants together; others give nothing). */
export function partnerCopies(grants: readonly Grant[], product: ShareProduct, event: object, now: number, pilotOfSite: PilotOfSite): PartnerCopy[] {
  const byPartner = new Map<string, Grant[]>();
  for (const grant of grants) {
    const own = byPartner.get(grant.partnerId);
    if (own) own.push(grant);
    else byPartner.set(grant.partnerId, [grant]);
  }
  return [...byPartner].flatMap(([partnerId, own]) => {
    const view = shareView(own, product, event, now, pilotOfSite);
    return view ? [{ partnerId, view }] : [];
  });
}
