import type { GpuNode } from '../api/registry';
import type { GpuSample } from '../api/types';

export interface DeviceRow {
  readonly node: string;
  readonly device: string;
  readonly siteId: string;
  readonly latest: GpuSample;
  /** MIG profiles the registry lists for the node's devices, where partitioned. */
  readonly mig: readonly string[];
  readonly model: string | null;
}

/** The latest sample of each node's device, with the registry's model and MIG layout for that host name. */
export function latestDevices(samples: readonly GpuSample[], nodes: readonly GpuNode[]): DeviceRow[] {
  const latest = new Map<string, GpuSample>();
  for (const sample of samples) {
    const id = `${sample.node}|${sample.device}`;
    const seen = latest.get(id);
    if (!seen || sample.ts > seen.ts) latest.set(id, sample);
  }
  const byHost = new Map(nodes.map((node) => [node.hostname, node]));
  return [...latest.values()]
    .map((sample) => ({ node: sample.node, device: sample.device, siteId: sample.siteId, latest: sample, mig: byHost.get(sample.node)?.migLayout ?? [], model: byHost.get(sample.node)?.model ?? null }))
    .sort((a, b) => a.siteId.localeCompare(b.siteId) || a.node.localeCompare(b.node) || a.device.localeCompare(b.device, undefined, { numeric: true }));
}
