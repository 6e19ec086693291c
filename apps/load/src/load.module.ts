import { type DynamicModule, Module } from '@nestjs/common';
import type { TelemetryReport } from '@airan/contracts';
import { EventPipeline, type ServiceInfra, createRegistryCache, registryCacheProviders } from '@airan/http';
import { ApplyTelemetryUseCase } from './apply-telemetry.use-case';
import { CloseWindowsUseCase } from './close-windows.use-case';
import type { LoadConfig } from './load.config';
import { LoadRegistry } from './load-registry';
import { LoadRepository } from './load.repository';
import { SamplePartitions } from './sample-partitions';

@Module({})
export class LoadModule {
  static forRoot(infra: ServiceInfra<LoadConfig>): DynamicModule {
    const registry = createRegistryCache(infra);
    return {
      module: LoadModule,
      providers: [
        ...registryCacheProviders(infra, registry),
        { provide: LoadRegistry, useValue: new LoadRegistry(registry, infra.config.LOAD_DEFAULT_CELL_GPUS) },
        SamplePartitions,
        LoadRepository,
        CloseWindowsUseCase,
        ApplyTelemetryUseCase,
        {
          provide: EventPipeline,
          inject: [ApplyTelemetryUseCase],
          useFactory: (apply: ApplyTelemetryUseCase) =>
            new EventPipeline<TelemetryReport>(infra, { groupId: infra.config.LOAD_GROUP_ID, topics: [infra.topics.telemetry], handle: (tx, batch) => apply.execute(tx, batch), relayOutbox: true }),
        },
      ],
    };
  }
}
