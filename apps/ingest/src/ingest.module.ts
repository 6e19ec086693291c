import { type DynamicModule, Module } from '@nestjs/common';
import { apiKeyAuthProviders } from '@airan/auth';
import { type ServiceInfra, createRegistryCache, registryCacheProviders } from '@airan/http';
import { InflightGate } from './inflight.gate';
import { IngestNativeBatchUseCase } from './ingest-native-batch.use-case';
import { IngestOtlpUseCase } from './ingest-otlp.use-case';
import { IngestPrometheusUseCase } from './ingest-prometheus.use-case';
import { IngestVesUseCase } from './ingest-ves.use-case';
import { OtlpController } from './otlp.controller';
import { PrometheusController } from './prometheus.controller';
import { PublishTelemetryUseCase } from './publish-telemetry.use-case';
import { RegistryKeyLookup } from './registry-key.lookup';
import { SiteLivenessRepository } from './site-liveness.repository';
import { TelemetryController } from './telemetry.controller';
import { TelemetryPublisher } from './telemetry.publisher';
import { VesController } from './ves.controller';

@Module({})
export class IngestModule {
  static forRoot(infra: ServiceInfra): DynamicModule {
    const registry = createRegistryCache(infra);
    return {
      module: IngestModule,
      controllers: [TelemetryController, VesController, OtlpController, PrometheusController],
      providers: [
        ...registryCacheProviders(infra, registry),
        ...apiKeyAuthProviders(new RegistryKeyLookup(registry)),
        TelemetryPublisher,
        SiteLivenessRepository,
        InflightGate,
        PublishTelemetryUseCase,
        IngestNativeBatchUseCase,
        IngestVesUseCase,
        IngestOtlpUseCase,
        IngestPrometheusUseCase,
      ],
    };
  }
}
