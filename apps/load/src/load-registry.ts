import type { Cell } from '@airan/contracts';
import type { RegistryCache } from '@airan/kafka';

/** What the load model needs from the registry: allocations, which node serves which cells, and pilots. */
export class LoadRegistry {
  private readonly cellsByNode = new Map<string, Set<string>>();

  constructor(
    private readonly registry: RegistryCache,
    private readonly defaultAllocatedGpus: number,
  ) {
    registry.onChange((type, id, entity) => {
      if (type !== 'cell') return;
      for (const cells of this.cellsByNode.values()) cells.delete(id);
      const node = (entity as Cell | undefined)?.gpuNodeId;
      if (node) this.cellsByNode.set(node, (this.cellsByNode.get(node) ?? new Set()).add(id));
    });
  }

  /** GPUs allocated to the cell: the registry's, or the configured default for cells it does not describe. */
  allocatedGpus(cellId: string): number {
    return this.registry.get('cell', cellId)?.allocatedGpus ?? this.defaultAllocatedGpus;
  }

  servingNode(cellId: string): string | undefined {
    return this.registry.get('cell', cellId)?.gpuNodeId;
  }

  cellsOf(node: string): Array<{ cellId: string; siteId: string; operatorId: string }> {
    return [...(this.cellsByNode.get(node) ?? [])].flatMap((cellId) => {
      const cell = this.registry.get('cell', cellId);
      const site = cell && this.registry.get('site', cell.siteId);
      return site ? [{ cellId, siteId: site.id, operatorId: site.operatorId }] : [];
    });
  }

  pilotOf(siteId: string): string | undefined {
    return this.registry.get('site', siteId)?.pilotId;
  }
}
