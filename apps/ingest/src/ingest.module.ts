import { type DynamicModule, Module } from '@nestjs/common';
import { apiKeyAuthProviders } from '@airan/auth';
import { type ServiceInfra, createRegistryCache, registryCacheProviders } from '@airan/http';
import { Clock, IdGenerator } from '@airan/system';
import { IdentifierDirectory } from './access/identifier.directory';
import { RegistryKeyLookup } from './access/registry-key.lookup';
import { ListUnknownIdentifiersUseCase } from './identifiers/list-unknown-identifiers.use-case';
import { UnknownIdentifierRepository } from './identifiers/unknown-identifier.repository';
import { UnknownIdentifierRetention } from './identifiers/unknown-identifier.retention';
import { UnknownIdentifiersController } from './identifiers/unknown-identifiers.controller';
import { SiteLivenessRepository } from './liveness/site-liveness.repository';
import { IngestNativeBatchUseCase } from './native/ingest-native-batch.use-case';
import { TelemetryController } from './native/telemetry.controller';
import { IngestOtlpUseCase } from './otlp/ingest-otlp.use-case';
import { OtlpController } from './otlp/otlp.controller';
import { IngestPrometheusUseCase } from './prometheus/ingest-prometheus.use-case';
import { PrometheusController } from './prometheus/prometheus.controller';
import { BookkeepingQueue } from './publishing/bookkeeping.queue';
import { InflightGate } from './publishing/inflight.gate';
import { PublishTelemetryUseCase } from './publishing/publish-telemetry.use-case';
import { TelemetryPublisher } from './publishing/telemetry.publisher';
import { IngestVesUseCase } from './ves/ingest-ves.use-case';
import { VesController } from './ves/ves.controller';

@Module({})
export class IngestModule {
  static forRoot(infra: ServiceInfra): DynamicModule {
    const registry = createRegistryCache(infra);
    return {
      module: IngestModule,
      controllers: [TelemetryController, VesController, OtlpController, PrometheusController, UnknownIdentifiersController],
      providers: [
        ...registryCacheProviders(infra, registry),
        ...apiKeyAuthProviders(new RegistryKeyLookup(registry)),
        Clock,
        IdGenerator,
        TelemetryPublisher,
        SiteLivenessRepository,
        { provide: IdentifierDirectory, useValue: new IdentifierDirectory(registry) },
        UnknownIdentifierRepository,
        UnknownIdentifierRetention,
        ListUnknownIdentifiersUseCase,
        InflightGate,
        BookkeepingQueue,
        PublishTelemetryUseCase,
        IngestNativeBatchUseCase,
        IngestVesUseCase,
        IngestOtlpUseCase,
        IngestPrometheusUseCase,
      ],
    };
  }
}
