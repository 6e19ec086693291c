import type { EventEnvelope } from './event';

export const REGISTRY_SCHEMA = 'airan.registry/1';

/** Pilot registry entities (docs/architecture.md §4). Ids are stable, URL-safe strings. */
export interface Operator {
  readonly id: string;
  readonly name: string;
}

export interface Partner {
  readonly id: string;
  readonly name: string;
}

export interface Pilot {
  readonly id: string;
  readonly name: string;
  readonly operatorId: string;
  readonly region: string;
  readonly partnerIds: readonly string[];
  readonly status: 'planned' | 'active' | 'completed';
  readonly startDate: string;
  readonly endDate?: string;
}

export interface Site {
  readonly id: string;
  readonly operatorId: string;
  readonly pilotId?: string;
  readonly name: string;
  readonly latitude: number;
  readonly longitude: number;
}

export interface GpuNode {
  readonly id: string;
  readonly siteId: string;
  /** Hostname as DCGM reports it (`Hostname` label). */
  readonly hostname: string;
  readonly model: string;
  readonly gpuCount: number;
  /** MIG profiles per device, e.g. ["3g.48gb", "4g.48gb"], where partitioned. */
  readonly migLayout?: readonly string[];
  /**
   * Other names exporters report for this node (Kubernetes node name, pod hostname): ingest rewrites a
   * GPU sample naming one of them to `hostname`. Unique within the site.
   */
  readonly aliases?: readonly string[];
}

export interface Cell {
  readonly id: string;
  readonly siteId: string;
  /** NR cell identity (36 bits as 9 hex digits): ingest resolves a sample naming it to this cell. */
  readonly nrCellIdentity?: string;
  /** 3GPP distinguished name of the cell (`...,NRCellDU=3`): ingest resolves a sample naming it to this cell. */
  readonly distinguishedName?: string;
  readonly pci?: number;
  readonly band?: string;
  readonly bandwidthMhz?: number;
  /** GPU node serving the cell's AI inference, and the GPUs allocated to the cell on it. */
  readonly gpuNodeId?: string;
  readonly allocatedGpus?: number;
}

/** An operator's ingest key as ingest needs it: the hash only, never the key. */
export interface OperatorKey {
  readonly id: string;
  readonly operatorId: string;
  /** Hex SHA-256 of the whole key. */
  readonly keyHash: string;
  readonly revoked: boolean;
}

export interface RegistryTypes {
  operator: Operator;
  partner: Partner;
  pilot: Pilot;
  site: Site;
  'gpu-node': GpuNode;
  cell: Cell;
  'operator-key': OperatorKey;
}

export type RegistryType = keyof RegistryTypes;

export const REGISTRY_TYPES: readonly RegistryType[] = ['operator', 'partner', 'pilot', 'site', 'gpu-node', 'cell', 'operator-key'];

/** The value of `airan.registry.v1` (compacted), keyed `<type>:<id>`; a deletion is a tombstone (null value). */
export interface RegistryEvent<T extends RegistryType = RegistryType> extends EventEnvelope<typeof REGISTRY_SCHEMA> {
  readonly type: T;
  readonly version: number;
  readonly entity: RegistryTypes[T];
}

export const registryKey = (type: RegistryType, id: string) => `${type}:${id}`;

/**
 * Kafka header carrying the id of every registry event. A tombstone has no value to hold its id, so
 * the header is the one place every event of the topic, deletions included, names itself.
 */
export const REGISTRY_EVENT_ID_HEADER = 'airan-event-id';

export function parseRegistryKey(key: string): { type: RegistryType; id: string } | undefined {
  const at = key.indexOf(':');
  const type = key.slice(0, at) as RegistryType;
  return at > 0 && REGISTRY_TYPES.includes(type) ? { type, id: key.slice(at + 1) } : undefined;
}
