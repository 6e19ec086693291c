import { type DynamicModule, Module } from '@nestjs/common';
import { apiKeyAuthProviders } from '@airan/auth';
import type { AlertEvent } from '@airan/contracts';
import { EventPipeline, type ServiceInfra } from '@airan/http';
import type { ApiConfig } from './api.config';
import { AlertReadRepository } from './alerts/alert-read.repository';
import { AlertsController } from './alerts/alerts.controller';
import { DashboardController } from './dashboard/dashboard.controller';

@Module({})
export class ApiModule {
  static forRoot(infra: ServiceInfra<ApiConfig>): DynamicModule {
    return {
      module: ApiModule,
      controllers: [AlertsController, DashboardController],
      providers: [
        ...apiKeyAuthProviders(infra.dataSource, 'api'),
        AlertReadRepository,
        {
          provide: EventPipeline,
          inject: [AlertReadRepository],
          useFactory: (alerts: AlertReadRepository) =>
            new EventPipeline<AlertEvent>(infra, {
              groupId: infra.config.API_GROUP_ID,
              topics: [infra.topics.alerts],
              handle: (tx, batch) => alerts.apply(tx, batch.map((m) => m.value)),
              relayOutbox: false,
            }),
        },
      ],
    };
  }
}
