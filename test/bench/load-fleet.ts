import {
  type Cell, type GpuNode, type Operator, type Pilot, REGISTRY_EVENT_ID_HEADER, REGISTRY_SCHEMA, type RegistryEvent, type RegistryType, type RegistryTypes, type Site,
  TELEMETRY_SCHEMA, type TelemetryReport, registryKey, stableEventId,
} from '@airan/contracts';
import { CELL_GPU_ALLOCATION } from '@airan/demo-fleet';

/**
 * The load bench's fleet: one operator and pilot, sites of 10 cells each, one GPU node per site
 * (hostname `<site>-gpu01`, 2 devices) serving all of its cells with the demo allocation. Everything is
 * registered, so load holds the whole registry in its cache and attributes each node's GPU time to
 * its cells, as it does for a real fleet.
 */
export const CELLS_PER_SITE = 10;
export const GPUS_PER_NODE = 2;
/** One sample per cell per window: every cell sample is also a window close. */
export const SAMPLE_INTERVAL_MS = 60_000;

const OPERATOR_ID = 'bench';
const PILOT_ID = 'bench-ai-ran-2026';

export interface BenchSite {
  readonly id: string;
  readonly node: string;
  readonly cellIds: readonly string[];
}

/** `cells` rounded up to whole sites. */
export function benchSites(cells: number): BenchSite[] {
  return Array.from({ length: Math.ceil(cells / CELLS_PER_SITE) }, (_, s) => {
    const id = `bench-site-${s}`;
    return { id, node: `${id}-gpu01`, cellIds: Array.from({ length: CELLS_PER_SITE }, (_, c) => `${id}-c${c}`) };
  });
}

export interface KafkaMessage {
  readonly key: string;
  readonly value: string;
  readonly headers?: Record<string, string>;
}

/**
 * The fleet's `airan.registry.v1` messages, exactly as the api's outbox relays a first save (version 1,
 * key `<type>:<id>`, deterministic event id, also in its header), in dependency order.
 */
export function registryMessages(sites: readonly BenchSite[]): KafkaMessage[] {
  const event = <T extends RegistryType>(type: T, entity: RegistryTypes[T]): KafkaMessage => {
    const value: RegistryEvent<T> = { schema: REGISTRY_SCHEMA, id: stableEventId('registry', type, entity.id, 1), type, version: 1, entity };
    return { key: registryKey(type, entity.id), value: JSON.stringify(value), headers: { [REGISTRY_EVENT_ID_HEADER]: value.id } };
  };
  const operator: Operator = { id: OPERATOR_ID, name: 'Bench operator' };
  const pilot: Pilot = { id: PILOT_ID, name: 'Bench AI-RAN pilot 2026', operatorId: OPERATOR_ID, region: 'Seoul', partnerIds: [], status: 'active', startDate: '2026-03-01' };
  return [
    event('operator', operator),
    event('pilot', pilot),
    ...sites.map((s, i) => event('site', { id: s.id, operatorId: OPERATOR_ID, pilotId: PILOT_ID, name: `Bench site ${i}`, latitude: 37.5, longitude: 127 } satisfies Site)),
    ...sites.map((s) => event('gpu-node', { id: s.node, siteId: s.id, hostname: s.node, model: 'L40S', gpuCount: GPUS_PER_NODE } satisfies GpuNode)),
    ...sites.flatMap((s) => s.cellIds.map((id) => event('cell', { id, siteId: s.id, band: 'n78', bandwidthMhz: 100, gpuNodeId: s.node, allocatedGpus: CELL_GPU_ALLOCATION } satisfies Cell))),
  ];
}

/**
 * A site's report for one round, as ingest publishes it (key = siteId): one sample per cell and per
 * GPU device stamped `ts`, and a heartbeat. Cells report inference requests but no GPU time of their
 * own, so the node's AI time is split among them by requests (and its radio time by allocation).
 * `heartbeatOnly` reports carry no samples: they move event time past the last window.
 */
export function siteReport(site: BenchSite, round: number, ts: number, heartbeatOnly = false): KafkaMessage {
  const report: TelemetryReport = {
    schema: TELEMETRY_SCHEMA, id: `${site.id}-${round}`, operatorId: OPERATOR_ID, siteId: site.id, keyId: 'bench', receivedAt: ts,
    cells: heartbeatOnly ? [] : site.cellIds.map((cellId, c) => ({
      cellId, ts, intervalMs: SAMPLE_INTERVAL_MS, prbDlPct: 41.5, thpDlMbps: 310.5, rrcConnectedUes: 120, inferenceRequests: 10 + c, inferenceTokens: 5200,
    })),
    gpus: heartbeatOnly ? [] : Array.from({ length: GPUS_PER_NODE }, (_, d) => ({
      node: site.node, device: `gpu${d}`, ts, utilPct: 62.5, radioShare: 0.25, aiShare: 0.375, memUsedMiB: 30_000, powerW: 240,
    })),
    heartbeats: [ts],
  };
  return { key: site.id, value: JSON.stringify(report) };
}
