import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { CELL_GPU_ALLOCATION, FLEET } from '@airan/demo-fleet';
import { INFRA, type ServiceInfra } from '@airan/http';
import type { ApiConfig } from '../api.config';
import { RegistryRepository } from './registry.repository';
import { UpsertRegistryEntityUseCase } from './upsert-registry-entity.use-case';

/** Research partners of the demo pilots. */
const PARTNERS = [
  { id: 'etri', name: 'Electronics and Telecommunications Research Institute (ETRI)' },
  { id: 'yonsei', name: 'Yonsei University' },
];

/**
 * One node runs partitioned, as a pilot sharing a GPU between the radio stack and inference would: the
 * B200s at Pangyo are each split into a 3g and a 4g instance (all seven compute slices, 90 GB each).
 */
const MIG_LAYOUTS: Readonly<Record<string, readonly string[]>> = { 'skt-pangyo-01-gpu01': ['3g.90gb', '4g.90gb'] };

/**
 * Radio identities of a demo cell as an operator's planning would assign them. Every site is one gNB
 * with a 24-bit gNB ID (operator in the high byte, site below), its sectors are cells 1, 2, 3 of it
 * (NR cell identity = gNB ID · 2^12 + sector, 36 bits); every site has a PCI group of its own
 * (PCI = 3 · group + sector − 1), so no two demo cells share a PCI.
 */
function demoRadioIdentity(operatorIndex: number, siteIndex: number, fleetSiteIndex: number, sector: number): { nrCellIdentity: string; pci: number } {
  const gnbId = ((operatorIndex + 1) << 16) | (siteIndex + 1);
  return { nrCellIdentity: (gnbId * 4096 + sector).toString(16).toUpperCase().padStart(9, '0'), pci: 3 * fleetSiteIndex + sector - 1 };
}

/**
 * Seeds an empty registry with plausible pilots of all three operators (the fleet the simulator
 * streams), through the same use case as the API, so every entity is validated and published.
 * Off with API_SEED_DEMO_FLEET=false.
 */
@Injectable()
export class RegistrySeed implements OnApplicationBootstrap {
  constructor(
    @Inject(INFRA) private readonly infra: ServiceInfra<ApiConfig>,
    private readonly registry: RegistryRepository,
    private readonly upsert: UpsertRegistryEntityUseCase,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.infra.config.API_SEED_DEMO_FLEET) return;
    if ((await this.registry.list(this.infra.dataSource, 'operator', { limit: 1 })).length > 0) return;
    for (const partner of PARTNERS) await this.upsert.execute('partner', partner.id, { name: partner.name });
    let fleetSiteIndex = 0;
    for (const [operatorIndex, operator] of FLEET.entries()) {
      await this.upsert.execute('operator', operator.id, { name: operator.name });
      const pilotId = `${operator.id}-ai-ran-2026`;
      await this.upsert.execute('pilot', pilotId, {
        name: `${operator.name} AI-RAN pilot 2026`,
        operatorId: operator.id,
        region: operator.sites.map((s) => s.city).filter((c, i, all) => all.indexOf(c) === i).join(', '),
        partnerIds: PARTNERS.map((p) => p.id),
        status: 'active',
        startDate: '2026-03-01',
      });
      for (const [siteIndex, site] of operator.sites.entries()) {
        await this.upsert.execute('site', site.id, { operatorId: operator.id, pilotId, name: site.name, latitude: site.latitude, longitude: site.longitude });
        const node = site.gpuNode;
        const migLayout = MIG_LAYOUTS[node.hostname];
        await this.upsert.execute('gpu-node', node.hostname, { siteId: site.id, hostname: node.hostname, model: node.model.id, gpuCount: node.devices.length, ...(migLayout ? { migLayout } : {}) });
        for (const [cellIndex, cell] of site.cells.entries()) {
          await this.upsert.execute('cell', cell.id, {
            siteId: site.id,
            ...demoRadioIdentity(operatorIndex, siteIndex, fleetSiteIndex, cellIndex + 1),
            band: cell.band,
            bandwidthMhz: cell.bandwidthMHz,
            gpuNodeId: node.hostname,
            allocatedGpus: CELL_GPU_ALLOCATION,
          });
        }
        fleetSiteIndex++;
      }
    }
    this.infra.logger.info('seeded the registry with the demo pilot fleet');
  }
}
