import type { Cell, GpuNode } from '@airan/contracts';
import type { RegistryCache } from '@airan/kafka';

/**
 * What the load model needs from the registry: allocations, which GPU node serves which cells, and pilots.
 *
 * A GPU node is named by its **hostname** here, never by its registry id: GPU samples carry the host
 * name DCGM reports (`Hostname` label, docs/architecture.md §1), and the registry id of a node need not be its
 * host name. A cell's `gpuNodeId` is resolved to that node's `hostname`, so samples and cells meet.
 */
export class LoadRegistry {
  /** GPU node id → the cells whose `gpuNodeId` names it. */
  private readonly cellsByNodeId = new Map<string, Set<string>>();
  /** Hostname → the GPU node ids registered with it (one, unless two entries share a host name). */
  private readonly nodeIdsByHostname = new Map<string, Set<string>>();
  // What each entity is indexed under, so that a change or a tombstone removes exactly that entry.
  private readonly nodeIdOfCell = new Map<string, string>();
  private readonly hostnameOfNode = new Map<string, string>();

  constructor(
    private readonly registry: RegistryCache,
    private readonly defaultAllocatedGpus: number,
  ) {
    // Cells and GPU nodes may arrive in either order (and change or disappear), so both are indexed on
    // their own and joined on look-up.
    registry.onChange((type, id, entity) => {
      if (type === 'cell') regroup(this.cellsByNodeId, this.nodeIdOfCell, id, (entity as Cell | undefined)?.gpuNodeId);
      else if (type === 'gpu-node') regroup(this.nodeIdsByHostname, this.hostnameOfNode, id, (entity as GpuNode | undefined)?.hostname);
    });
  }

  /** GPUs allocated to the cell: the registry's, or the configured default for cells it does not describe. */
  allocatedGpus(cellId: string): number {
    return this.registry.get('cell', cellId)?.allocatedGpus ?? this.defaultAllocatedGpus;
  }

  /** Hostname of the GPU node serving the cell (its GPU samples' `node`); undefined if the cell or that node is not in the registry. */
  servingNode(cellId: string): string | undefined {
    const nodeId = this.nodeIdOfCell.get(cellId);
    return nodeId === undefined ? undefined : this.hostnameOfNode.get(nodeId);
  }

  /** The cells served by the GPU node with this hostname, with their site and operator (cells of unknown sites left out). */
  cellsOf(hostname: string): Array<{ cellId: string; siteId: string; operatorId: string }> {
    const cells: Array<{ cellId: string; siteId: string; operatorId: string }> = [];
    for (const nodeId of this.nodeIdsByHostname.get(hostname) ?? []) {
      for (const cellId of this.cellsByNodeId.get(nodeId) ?? []) {
        const cell = this.registry.get('cell', cellId);
        const site = cell && this.registry.get('site', cell.siteId);
        if (site) cells.push({ cellId, siteId: site.id, operatorId: site.operatorId });
      }
    }
    return cells;
  }

  pilotOf(siteId: string): string | undefined {
    return this.registry.get('site', siteId)?.pilotId;
  }
}

/** Moves `member` into the group `group` (out of any group when undefined), dropping groups left empty. */
function regroup(groups: Map<string, Set<string>>, groupOf: Map<string, string>, member: string, group: string | undefined): void {
  const previous = groupOf.get(member);
  if (previous === group) return;
  if (previous !== undefined) {
    const members = groups.get(previous)!;
    members.delete(member);
    if (members.size === 0) groups.delete(previous);
    groupOf.delete(member);
  }
  if (group === undefined) return;
  groupOf.set(member, group);
  const members = groups.get(group);
  if (members) members.add(member);
  else groups.set(group, new Set([member]));
}
