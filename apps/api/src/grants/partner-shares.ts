import { Inject, Injectable } from '@nestjs/common';
import type { Grant, ShareProduct } from '@airan/contracts';
import { INFRA, type ServiceInfra } from '@airan/http';
import { isGrantActive, shareView } from '@airan/share-model';
import { Clock } from '@airan/system';
import type { DataScope } from '../history/data-scope';
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

  /** The partner's view of `product` event by event (streams), or 403 NO_GRANTS when no grant in force gives it. */
  async viewOf(partnerId: string, product: ShareProduct): Promise<ShareViewOf> {
    const grants = await this.activeGrants(partnerId, product);
    const sites = await this.sites();
    const pilotOfSite = new Map(sites.flatMap(({ entity }) => (entity.pilotId ? [[entity.id, entity.pilotId] as const] : [])));
    return (event) => shareView(grants, product, event, this.clock.now(), (siteId) => pilotOfSite.get(siteId));
  }

  /**
   * The partner's rows of `product` as a query scope (history, exports): those of the operators, pilots and
   * sites its grants in force name, narrowed to `operator` when asked. A page has one set of columns, so a
   * field any of these grants redacts is left out of every row.
   */
  async scopeOf(partnerId: string, product: ShareProduct, operator: string | undefined): Promise<DataScope> {
    const grants = await this.activeGrants(partnerId, product);
    const [sites, pilots] = await Promise.all([this.sites(), this.registry.list(this.infra.dataSource, 'pilot', { limit: 100_000 })]);
    const operatorOfSite = new Map(sites.map(({ entity }) => [entity.id, entity.operatorId]));
    const operatorOfPilot = new Map(pilots.map(({ entity }) => [entity.id, entity.operatorId]));
    const named = (pick: (grant: Grant) => readonly string[] | undefined, operatorOf: (id: string) => string | undefined) =>
      [...new Set(grants.flatMap((grant) => pick(grant) ?? []))].filter((id) => operator === undefined || operatorOf(id) === operator);
    return {
      operators: named((grant) => grant.operatorIds, (id) => id),
      pilots: named((grant) => grant.pilotIds, (id) => operatorOfPilot.get(id)),
      sites: named((grant) => grant.siteIds, (id) => operatorOfSite.get(id)),
      redact: [...new Set(grants.flatMap((grant) => grant.redact))],
    };
  }

  private async activeGrants(partnerId: string, product: ShareProduct): Promise<Grant[]> {
    const now = this.clock.now();
    const grants = (await this.grants.list(partnerId)).map((stored) => stored.grant).filter((grant) => grant.products.includes(product) && isGrantActive(grant, now));
    if (grants.length === 0) throw new HistoryError('NO_GRANTS', `partner "${partnerId}" holds no grant in force for ${product}`);
    return grants;
  }

  /** The registry's sites as they stand now: reports and site rollups name their site only. */
  private sites() {
    return this.registry.list(this.infra.dataSource, 'site', { limit: 100_000 });
  }
}
