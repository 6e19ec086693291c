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
    for (const operator of FLEET) {
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
      for (const site of operator.sites) {
        await this.upsert.execute('site', site.id, { operatorId: operator.id, pilotId, name: site.name, latitude: site.latitude, longitude: site.longitude });
        const node = site.gpuNode;
        await this.upsert.execute('gpu-node', node.hostname, { siteId: site.id, hostname: node.hostname, model: node.model.id, gpuCount: node.devices.length });
        for (const cell of site.cells) {
          await this.upsert.execute('cell', cell.id, { siteId: site.id, band: cell.band, bandwidthMhz: cell.bandwidthMHz, gpuNodeId: node.hostname, allocatedGpus: CELL_GPU_ALLOCATION });
        }
      }
    }
    this.infra.logger.info('seeded the registry with the demo pilot fleet');
  }
}
