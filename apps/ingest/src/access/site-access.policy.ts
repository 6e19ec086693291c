import type { Principal } from '@airan/auth';
import type { RegistryCache } from '@airan/kafka';
import type { ParsedBatch, SiteAdmission } from '@airan/telemetry-formats';
import { IngestError } from '../ingest.errors';

/**
 * Whether a key may write a site, from the registry: unknown sites and other operators' sites are
 * refused per record, never written under the wrong operator.
 */
export function siteAdmission(registry: RegistryCache, principal: Principal): SiteAdmission {
  return (siteId, path) => {
    const site = registry.get('site', siteId);
    if (!site) return { path, code: 'UNKNOWN_SITE', message: `site "${siteId}" is not in the pilot registry` };
    if (site.operatorId !== principal.subject) return { path, code: 'SITE_NOT_OWNED', message: `site "${siteId}" belongs to another operator` };
    return undefined;
  };
}

/** A request none of whose records is the key's to write is refused whole (403), and nothing is written. */
export function refuseIfNothingOwned(parsed: ParsedBatch, principal: Principal): void {
  if (parsed.accepted > 0 || parsed.rejected.length === 0) return;
  if (!parsed.rejected.every((r) => r.errors.some((e) => e.code === 'SITE_NOT_OWNED'))) return;
  throw new IngestError(
    'SITE_NOT_OWNED',
    `key ${principal.keyId} may not write these sites`,
    parsed.rejected.flatMap((r) => r.errors.map((e) => ({ index: r.index, ...e }))),
  );
}
