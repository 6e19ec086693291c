import type { Principal } from '@airan/auth';
import type { RegistryCache } from '@airan/kafka';
import type { FieldError } from '@airan/contracts';

/**
 * Whether a key may write a site, from the registry: unknown sites and other operators' sites are
 * refused per record, never written under the wrong operator.
 */
export function siteAccessError(registry: RegistryCache, principal: Principal, siteId: string, path: string): FieldError | undefined {
  const site = registry.get('site', siteId);
  if (!site) return { path, code: 'UNKNOWN_SITE', message: `site "${siteId}" is not in the pilot registry` };
  if (site.operatorId !== principal.subject) return { path, code: 'SITE_NOT_OWNED', message: `site "${siteId}" belongs to another operator` };
  return undefined;
}

export interface SiteScreen<R> {
  /** Records the key may write, with their index in the request. */
  readonly admitted: Array<{ index: number; record: unknown }>;
  readonly refused: Array<R & { index: number; siteId: string; errors: FieldError[]; raw: unknown }>;
}

/** Splits a request's records by site access before parsing; records without a usable siteId pass to the parser, which names the problem. */
export function screenSites(registry: RegistryCache, principal: Principal, records: readonly unknown[], pathOf: (index: number) => string): SiteScreen<object> {
  const admitted: SiteScreen<object>['admitted'] = [];
  const refused: SiteScreen<object>['refused'] = [];
  records.forEach((record, index) => {
    const siteId = (record as { siteId?: unknown } | null)?.siteId;
    const error = typeof siteId === 'string' ? siteAccessError(registry, principal, siteId, `${pathOf(index)}.siteId`) : undefined;
    if (error) refused.push({ index, siteId: siteId as string, errors: [error], raw: record });
    else admitted.push({ index, record });
  });
  return { admitted, refused };
}
