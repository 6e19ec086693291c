import { type DynamicModule, Module } from '@nestjs/common';
import { apiKeyAuthProviders } from '@airan/auth';
import type { ServiceInfra } from '@airan/http';
import { IngestNativeBatchUseCase } from './ingest-native-batch.use-case';
import { SiteLivenessRepository } from './site-liveness.repository';
import { TelemetryController } from './telemetry.controller';
import { TelemetryPublisher } from './telemetry.publisher';

@Module({})
export class IngestModule {
  static forRoot(infra: ServiceInfra): DynamicModule {
    return {
      module: IngestModule,
      controllers: [TelemetryController],
      providers: [
        ...apiKeyAuthProviders(infra.dataSource, 'ingest'),
        TelemetryPublisher,
        SiteLivenessRepository,
        IngestNativeBatchUseCase,
      ],
    };
  }
}
