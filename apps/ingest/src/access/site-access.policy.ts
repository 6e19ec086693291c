import type { Principal } from '@airan/auth';
import type { RegistryCache } from '@airan/kafka';
import type { RecordError, SiteAdmission } from '@airan/telemetry-formats';
import { IngestError } from '../ingest.errors';
import type { SiteClaim } from './site.claims';

/**
 * Whether a key may write a site, from the registry: unknown sites and other operators' sites are
 * refused per record, never written under the wrong operator.
 */
export function siteAdmission(registry: RegistryCache, principal: Principal): SiteAdmission {
  return (siteId, path) => {
    const site = registry.get('site', siteId);
    if (!site) return { path, code: 'UNKNOWN_SITE', message: `site "${siteId}" is not in the pilot registry` };
    if (site.operatorId !== principal.subject) return { path, code: 'SITE_NOT_OWNED', message: notOwned(siteId) };
    return undefined;
  };
}

const notOwned = (siteId: string) => `site "${siteId}" belongs to another operator`;

/**
 * Ownership, decided from the sites a request names before any record is validated, so that what else
 * is wrong with the records never changes the answer: a request that names another operator's site is
 * refused whole, 403 with each foreign record's index and path, and nothing goes to either topic, even
 * when it also names the key's own sites. A key writing another operator's site is misconfigured (or
 * worse); a partial accept would hide that behind a 202. Sites the registry does not know are neither
 * (UNKNOWN_SITE, per record).
 */
export function refuseForeignSites(claims: readonly SiteClaim[], registry: RegistryCache, principal: Principal): void {
  const foreign = new Map<number, RecordError>();
  for (const { index, siteId, path } of claims) {
    const site = registry.get('site', siteId);
    if (site && site.operatorId !== principal.subject && !foreign.has(index)) foreign.set(index, { path, code: 'SITE_NOT_OWNED', message: notOwned(siteId) });
  }
  if (foreign.size === 0) return;
  const details = [...foreign].sort(([a], [b]) => a - b).map(([index, refusal]) => ({ index, ...refusal }));
  throw new IngestError('SITE_NOT_OWNED', `key ${principal.keyId} may not write these sites`, details);
}
