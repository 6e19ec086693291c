import { type DynamicModule, Module } from '@nestjs/common';
import { type ServiceInfra, createRegistryCache, registryCacheProviders } from '@airan/http';
import { outboxProviders } from '@airan/kafka';
import { Clock } from '@airan/system';
import type { LoadConfig } from './load.config';
import { LoadRegistry } from './registry/load-registry.view';
import { SamplePartitions } from './retention/sample-partitions.service';
import { RollupRepository } from './rollups/rollup.repository';
import { ApplyTelemetryUseCase } from './telemetry/apply-telemetry.use-case';
import { TelemetryConsumer } from './telemetry/telemetry.consumer';
import { PartitionStates } from './telemetry/partition-state.store';
import { SampleRepository } from './telemetry/sample.repository';
import { WatermarkRepository } from './telemetry/watermark.repository';
import { CloseWindowsUseCase } from './windows/close-windows.use-case';
import { WindowRepository } from './windows/window.repository';

@Module({})
export class LoadModule {
  static forRoot(infra: ServiceInfra<LoadConfig>): DynamicModule {
    const registry = createRegistryCache(infra);
    return {
      module: LoadModule,
      controllers: [TelemetryConsumer],
      providers: [
        ...registryCacheProviders(infra, registry),
        ...outboxProviders(infra),
        { provide: LoadRegistry, useValue: new LoadRegistry(registry, infra.config.LOAD_DEFAULT_CELL_GPUS) },
        Clock,
        SamplePartitions,
        SampleRepository,
        WatermarkRepository,
        WindowRepository,
        { provide: PartitionStates, useValue: new PartitionStates(infra.config.LOAD_WINDOW_MS) },
        RollupRepository,
        CloseWindowsUseCase,
        ApplyTelemetryUseCase,
      ],
    };
  }
}
