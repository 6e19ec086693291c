import { type DynamicModule, Module } from '@nestjs/common';
import { apiKeyAuthProviders } from '@airan/auth';
import { type ServiceInfra, createRegistryCache, registryCacheProviders } from '@airan/http';
import { IngestNativeBatchUseCase } from './ingest-native-batch.use-case';
import { RegistryKeyLookup } from './registry-key.lookup';
import { SiteLivenessRepository } from './site-liveness.repository';
import { TelemetryController } from './telemetry.controller';
import { TelemetryPublisher } from './telemetry.publisher';

@Module({})
export class IngestModule {
  static forRoot(infra: ServiceInfra): DynamicModule {
    const registry = createRegistryCache(infra);
    return {
      module: IngestModule,
      controllers: [TelemetryController],
      providers: [
        ...registryCacheProviders(infra, registry),
        ...apiKeyAuthProviders(new RegistryKeyLookup(registry)),
        TelemetryPublisher,
        SiteLivenessRepository,
        IngestNativeBatchUseCase,
      ],
    };
  }
}
