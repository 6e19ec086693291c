import { type DynamicModule, Module } from '@nestjs/common';
import { ApiKeyRepository, apiKeyAuthProviders } from '@airan/auth';
import type { AlertEvent } from '@airan/contracts';
import { EventPipeline, type ServiceInfra } from '@airan/http';
import type { ApiConfig } from './api.config';
import { AlertReadRepository } from './alerts/alert-read.repository';
import { AlertsController } from './alerts/alerts.controller';
import { DashboardController } from './dashboard/dashboard.controller';
import { IssueApiKeyUseCase } from './keys/issue-api-key.use-case';
import { KeysController } from './keys/keys.controller';
import { RevokeApiKeyUseCase } from './keys/revoke-api-key.use-case';
import { OpenApiController } from './openapi/openapi.controller';
import { DeleteRegistryEntityUseCase } from './registry/delete-registry-entity.use-case';
import { RegistryController } from './registry/registry.controller';
import { RegistryRepository } from './registry/registry.repository';
import { RegistrySeed } from './registry/registry.seed';
import { UpsertRegistryEntityUseCase } from './registry/upsert-registry-entity.use-case';

@Module({})
export class ApiModule {
  static forRoot(infra: ServiceInfra<ApiConfig>): DynamicModule {
    const keys = new ApiKeyRepository(infra.dataSource, 'api');
    return {
      module: ApiModule,
      controllers: [AlertsController, RegistryController, KeysController, OpenApiController, DashboardController],
      providers: [
        { provide: ApiKeyRepository, useValue: keys },
        ...apiKeyAuthProviders(keys),
        { provide: RegistryRepository, useValue: new RegistryRepository() },
        UpsertRegistryEntityUseCase,
        DeleteRegistryEntityUseCase,
        RegistrySeed,
        IssueApiKeyUseCase,
        RevokeApiKeyUseCase,
        AlertReadRepository,
        {
          provide: EventPipeline,
          inject: [AlertReadRepository],
          useFactory: (alerts: AlertReadRepository) =>
            new EventPipeline<AlertEvent>(infra, {
              groupId: infra.config.API_GROUP_ID,
              topics: [infra.topics.alerts],
              handle: (tx, batch) => alerts.apply(tx, batch.map((m) => m.value)),
              relayOutbox: true,
            }),
        },
      ],
    };
  }
}
