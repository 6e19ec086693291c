import { type Admin, type PartitionMetadata, Partitioners } from 'kafkajs';
import { CELL_GPU_ALLOCATION, FLEET, type OperatorId, type SimCell, type SimOperator, type SimSite, hash32 } from '@airan/demo-fleet';
import type { ServiceProcess } from '../support/service-process';
import { type Isolation, createApiKey, eventually } from '../support/stack';
import type { PipelineBenchOptions, PipelineProgress } from './pipeline-types';
import { forEachConcurrently } from '../support/concurrently';

interface RegistryPut {
  readonly type: 'operator' | 'pilot' | 'site' | 'gpu-node' | 'cell';
  readonly id: string;
  readonly body: Record<string, unknown>;
}

/** A cell as the demo fleet derives one from its id (libs/demo-fleet buildSite), for sites and cells beyond the demo fleet. */
function syntheticCell(id: string, template: SimSite, k: number): SimCell {
  const h = hash32(id);
  const like = template.cells[k % template.cells.length];
  const widthFactor = like.bandwidthMHz / 100;
  return {
    id,
    band: 'n78',
    bandwidthMHz: like.bandwidthMHz,
    peakUeThpDlMbps: Math.round((380 + (h % 120)) * widthFactor),
    peakUeThpUlMbps: Math.round((45 + ((h >>> 8) % 25)) * widthFactor),
    peakUes: Math.round(like.peakUes * (0.9 + ((h >>> 16) % 20) / 100)),
    inferenceBias: Math.round((((h >>> 4) % 201) / 1000 - 0.1) * 1000) / 1000,
  };
}

/** The bench fleet and the registry writes it needs beyond what the api seeds, in dependency order. */
export function benchFleet(o: Pick<PipelineBenchOptions, 'operators' | 'sitesPerOperator' | 'cellsPerSite' | 'registerCells'>): { operators: SimOperator[]; stages: RegistryPut[][] } {
  const stages: RegistryPut[][] = [[], [], [], [], []]; // operators, pilots, sites, GPU nodes, cells
  const operators: SimOperator[] = [];
  for (let i = 0; i < o.operators; i++) {
    const template = FLEET[i % FLEET.length];
    const demo = i < FLEET.length;
    const id = demo ? template.id : `bench-op${i + 1}`;
    const name = demo ? template.name : `Bench operator ${i + 1}`;
    const pilotId = `${id}-ai-ran-2026`;
    if (!demo) {
      stages[0].push({ type: 'operator', id, body: { name } });
      stages[1].push({ type: 'pilot', id: pilotId, body: { name: `${name} AI-RAN pilot 2026`, operatorId: id, region: 'Seoul', partnerIds: [], status: 'active', startDate: '2026-03-01' } });
    }
    const sites: SimSite[] = [];
    for (let k = 0; k < o.sitesPerOperator; k++) {
      const t = template.sites[k % template.sites.length];
      const demoSite = demo && k < template.sites.length;
      const siteId = demoSite ? t.id : `${id}-bench-${String(k + 1).padStart(4, '0')}`;
      const hostname = demoSite ? t.gpuNode.hostname : `${siteId}-gpu01`;
      if (!demoSite) {
        stages[2].push({ type: 'site', id: siteId, body: { operatorId: id, pilotId, name: `${t.name} (bench ${k + 1})`, latitude: t.latitude, longitude: t.longitude } });
        stages[3].push({ type: 'gpu-node', id: hostname, body: { siteId, hostname, model: t.gpuNode.model.id, gpuCount: t.gpuNode.devices.length } });
      }
      const cells: SimCell[] = [];
      for (let c = 1; c <= o.cellsPerSite; c++) {
        const cellId = `${siteId}-c${c}`;
        const demoCell = demoSite ? t.cells.find((x) => x.id === cellId) : undefined;
        cells.push(demoCell ?? syntheticCell(cellId, t, c - 1));
        if (!demoCell && o.registerCells) {
          stages[4].push({ type: 'cell', id: cellId, body: { siteId, band: 'n78', bandwidthMhz: t.cells[0].bandwidthMHz, gpuNodeId: hostname, allocatedGpus: CELL_GPU_ALLOCATION } });
        }
      }
      sites.push({ ...t, id: siteId, operatorId: id as OperatorId, cells, gpuNode: { ...t.gpuNode, hostname } });
    }
    // Operators beyond the demo three are not `OperatorId`s; the generator only reads the object.
    operators.push({ id: id as OperatorId, name, sites });
  }
  return { operators, stages };
}

/**
 * The registry: what the api seeded (the demo fleet) plus the bench's own entities, written through
 * the api once the demo fleet is there; then an operator key per operator, once ingest takes the
 * operator's last site.
 */
export async function registerFleet(
  o: PipelineBenchOptions,
  isolation: Isolation,
  services: { readonly api: ServiceProcess; readonly ingest: ServiceProcess },
  progress: PipelineProgress,
  label: string,
): Promise<{ operators: SimOperator[]; keys: Map<string, string>; puts: number; registrySeconds: number }> {
  const { api, ingest } = services;
  const { operators, stages } = benchFleet(o);
  const { key: adminKey } = await createApiKey(isolation, 'admin', 'bench');
  const puts = stages.flat().length;
  let done = 0;
  const showProgress = () => progress(`${label}: registry`, puts === 0 ? 1 : done / puts, `${done}/${puts} registry entities`);
  const registryStarted = performance.now();
  await eventually(async () => {
    // The api seeds the demo fleet right after start-up: wait for the last demo cell.
    const last = FLEET[FLEET.length - 1].sites.at(-1)!.cells.at(-1)!.id;
    const r = await fetch(`${api.url}/v1/registry/cell/${last}`, { headers: { authorization: `Bearer ${adminKey}` } });
    if (r.status !== 200) throw new Error(`demo fleet not seeded yet (${r.status})`);
  }, 60_000);
  for (const stage of stages) {
    await forEachConcurrently(stage, 8, async (p) => {
      const r = await fetch(`${api.url}/v1/registry/${p.type}/${p.id}`, { method: 'PUT', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify(p.body) });
      if (!r.ok) throw new Error(`PUT /v1/registry/${p.type}/${p.id} answered ${r.status} ${(await r.text()).slice(0, 300)}`);
      // The cells' stage alone is tens of thousands of requests: the bar moves within it.
      if (++done % 250 === 0) showProgress();
    });
    showProgress();
  }
  const registrySeconds = (performance.now() - registryStarted) / 1000;
  const keys = new Map<string, string>();
  for (const op of operators) {
    const { key } = await createApiKey(isolation, 'operator', op.id);
    keys.set(op.id, key);
    // Keys and sites reach ingest over the registry topic: wait until it takes the operator's last site.
    const lastSite = op.sites.at(-1)!.id;
    await eventually(async () => {
      const r = await fetch(`${ingest.url}/v1/telemetry`, {
        method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ records: [{ type: 'heartbeat', siteId: lastSite, ts: new Date(Date.now() - 7_200_000).toISOString() }] }),
      });
      if (r.status !== 202) throw new Error(`ingest does not take ${lastSite} yet: ${r.status} ${(await r.text()).slice(0, 200)}`);
    }, 120_000, 250);
  }
  return { operators, keys, puts, registrySeconds };
}

/** Which telemetry partition each site's reports land on: ingest keys them by siteId with kafkajs' default (Java-compatible murmur2) partitioner. */
export async function sitePartitions(admin: Admin, topic: string, operators: readonly SimOperator[]): Promise<Map<string, number>> {
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
  const partitionMetadata: PartitionMetadata[] = metadata.topics[0].partitions;
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionOf = new Map<string, number>();
  for (const op of operators) for (const s of op.sites) partitionOf.set(s.id, partitioner({ topic, partitionMetadata, message: { key: s.id, value: null } }));
  return partitionOf;
}
