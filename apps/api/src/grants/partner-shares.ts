import { Inject, Injectable } from '@nestjs/common';
import type { ShareProduct } from '@airan/contracts';
import { INFRA, type ServiceInfra } from '@airan/http';
import { isGrantActive, shareView } from '@airan/share-model';
import { Clock } from '@airan/system';
import { HistoryError } from '../history/history.errors';
import { RegistryRepository } from '../registry/registry.repository';
import { GrantRepository } from './grant.repository';

/** A partner's view of one event of a product: undefined when its grants do not give it. */
export type ShareViewOf = (event: object) => Record<string, unknown> | undefined;

/**
 * What a partner key reads of a product over HTTP: its grants as they stand when it asks (a grant's end
 * is checked for every event, so one that expires stops the data at once; a grant written later applies
 * to the next request), cut and redacted by the same pure function the partner topics use.
 */
@Injectable()
export class PartnerShares {
  constructor(
    @Inject(INFRA) private readonly infra: Pick<ServiceInfra, 'dataSource'>,
    private readonly grants: GrantRepository,
    private readonly registry: RegistryRepository,
    private readonly clock: Clock,
  ) {}

  /** The partner's view of `product`, or 403 NO_GRANTS when no grant in force gives it. */
  async viewOf(partnerId: string, product: ShareProduct): Promise<ShareViewOf> {
    const now = this.clock.now();
    const grants = (await this.grants.list(partnerId)).map((stored) => stored.grant).filter((grant) => grant.products.includes(product) && isGrantActive(grant, now));
    if (grants.length === 0) throw new HistoryError('NO_GRANTS', `partner "${partnerId}" holds no grant in force for ${product}`);
    // Reports and site rollups name their site only: its pilot comes from the registry, as it stands now.
    const sites = await this.registry.list(this.infra.dataSource, 'site', { limit: 100_000 });
    const pilotOf = new Map(sites.map(({ entity }) => [entity.id, entity.pilotId]));
    return (event) => shareView(grants, product, event, this.clock.now(), (siteId) => pilotOf.get(siteId));
  }
}
