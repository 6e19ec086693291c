import type { Cell, GpuNode } from '@airan/contracts';
import type { RegistryCache } from '@airan/kafka';
import { indexSite, NO_IDENTIFIERS, type SiteIdentifiers } from './identifier.resolver';

/**
 * Every site's cells and GPU nodes from the registry cache, indexed by the names operators report
 * (NCI, DN, aliases). Rebuilt on first use after a cell or GPU node changed.
 */
export class IdentifierDirectory {
  private bySite: Map<string, SiteIdentifiers> | undefined;

  constructor(private readonly registry: RegistryCache) {
    registry.onChange((type) => {
      if (type === 'cell' || type === 'gpu-node') this.bySite = undefined;
    });
  }

  of(siteId: string): SiteIdentifiers {
    this.bySite ??= this.build();
    return this.bySite.get(siteId) ?? NO_IDENTIFIERS;
  }

  private build(): Map<string, SiteIdentifiers> {
    const cells = new Map<string, Cell[]>();
    const nodes = new Map<string, GpuNode[]>();
    for (const cell of this.registry.all('cell')) (cells.get(cell.siteId) ?? cells.set(cell.siteId, []).get(cell.siteId)!).push(cell);
    for (const node of this.registry.all('gpu-node')) (nodes.get(node.siteId) ?? nodes.set(node.siteId, []).get(node.siteId)!).push(node);
    const siteIds = new Set([...cells.keys(), ...nodes.keys()]);
    return new Map([...siteIds].map((siteId) => [siteId, indexSite(cells.get(siteId) ?? [], nodes.get(siteId) ?? [])]));
  }
}
