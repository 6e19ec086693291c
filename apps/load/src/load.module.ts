import { type DynamicModule, Module } from '@nestjs/common';
import type { TelemetryReport } from '@airan/contracts';
import { EventPipeline, type ServiceInfra } from '@airan/http';
import { ApplyTelemetryUseCase } from './apply-telemetry.use-case';
import type { LoadConfig } from './load.config';
import { LoadRepository } from './load.repository';

@Module({})
export class LoadModule {
  static forRoot(infra: ServiceInfra<LoadConfig>): DynamicModule {
    return {
      module: LoadModule,
      providers: [
        LoadRepository,
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
