import type { Principal } from '@airan/auth';
import type { RegistryCache } from '@airan/kafka';
import type { ParsedBatch, RecordError, SiteAdmission } from '@airan/telemetry-formats';
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
 * is wrong with the records never changes the answer. A request that names another operator's site and
 * none of the key's own is refused whole: 403, nothing on either topic. One that also names a site of
 * the key's operator is answered per record, and the returned refusals (by record index) replace
 * whatever errors those records have: their rejection, and their dead letter, say SITE_NOT_OWNED.
 * Sites the registry does not know are neither (UNKNOWN_SITE, per record).
 */
export function decideOwnership(claims: readonly SiteClaim[], registry: RegistryCache, principal: Principal): ReadonlyMap<number, RecordError> {
  const foreign = new Map<number, RecordError>();
  let own = false;
  for (const { index, siteId, path } of claims) {
    const site = registry.get('site', siteId);
    if (!site) continue;
    if (site.operatorId === principal.subject) own = true;
    else if (!foreign.has(index)) foreign.set(index, { path, code: 'SITE_NOT_OWNED', message: notOwned(siteId) });
  }
  if (foreign.size > 0 && !own) {
    const details = [...foreign].sort(([a], [b]) => a - b).map(([index, refusal]) => ({ index, ...refusal }));
    throw new IngestError('SITE_NOT_OWNED', `key ${principal.keyId} may not write these sites`, details);
  }
  return foreign;
}

/** The parse result with every rejected record that names another operator's site rejected for that alone. */
export function applyOwnership<T extends ParsedBatch>(parsed: T, foreign: ReadonlyMap<number, RecordError>): T {
  if (foreign.size === 0) return parsed;
  return { ...parsed, rejected: parsed.rejected.map((r) => (foreign.has(r.index) ? { ...r, errors: [foreign.get(r.index)!] } : r)) };
}
