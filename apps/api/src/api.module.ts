import { type DynamicModule, Module } from '@nestjs/common';
import { ApiKeyRepository, apiKeyAuthProviders } from '@airan/auth';
import type { ServiceInfra } from '@airan/http';
import { PartnerAccessAdmin, outboxProviders } from '@airan/kafka';
import { Clock } from '@airan/system';
import type { ApiConfig } from './api.config';
import { AlertEventsConsumer } from './alerts/alert-events.consumer';
import { AlertReadRepository } from './alerts/alert-read.repository';
import { AlertsController } from './alerts/alerts.controller';
import { GetAlertHistoryUseCase } from './alerts/get-alert-history.use-case';
import { ListAlertsUseCase } from './alerts/list-alerts.use-case';
import { ConsoleController } from './console/console.controller';
import { ExportCursorRepository } from './exports/export-cursor.repository';
import { ExportsController } from './exports/exports.controller';
import { StreamExportUseCase } from './exports/stream-export.use-case';
import { GrantRepository } from './grants/grant.repository';
import { GrantsController } from './grants/grants.controller';
import { ListGrantsUseCase } from './grants/list-grants.use-case';
import { PartnerShares } from './grants/partner-shares';
import { DataScopeResolver } from './history/data-scope.resolver';
import { DeadLetterRepository } from './history/dead-letter.repository';
import { DeadLetterRetention } from './history/dead-letter.retention';
import { DeadLettersConsumer } from './history/dead-letters.consumer';
import { HistoryController } from './history/history.controller';
import { HistoryRepository } from './history/history.repository';
import { QueryHistoryUseCase } from './history/query-history.use-case';
import { GetIngestHealthUseCase } from './ingest-health/get-ingest-health.use-case';
import { IngestHealthController } from './ingest-health/ingest-health.controller';
import { IngestHealthRepository } from './ingest-health/ingest-health.repository';
import { IssueApiKeyUseCase } from './keys/issue-api-key.use-case';
import { KeysController } from './keys/keys.controller';
import { RevokeApiKeyUseCase } from './keys/revoke-api-key.use-case';
import { OpenApiController } from './openapi/openapi.controller';
import { IssuePartnerCredentialUseCase } from './partner-credentials/issue-partner-credential.use-case';
import { ListPartnerCredentialsUseCase } from './partner-credentials/list-partner-credentials.use-case';
import { PartnerCredentialRepository } from './partner-credentials/partner-credential.repository';
import { PartnerCredentialsController } from './partner-credentials/partner-credentials.controller';
import { RevokePartnerCredentialUseCase } from './partner-credentials/revoke-partner-credential.use-case';
import { PublicAlertActionsController } from './ops/public-alert-actions.controller';
import { ALERTING_CLIENT } from './ops/alerting.client';
import { AlertingForwarder } from './ops/alerting.forwarder';
import { HttpAlertingClient } from './ops/alerting-http.client';
import { PublicRulesController } from './ops/public-rules.controller';
import { PublicSilencesController } from './ops/public-silences.controller';
import { DeleteRegistryEntityUseCase } from './registry/delete-registry-entity.use-case';
import { RegistryController } from './registry/registry.controller';
import { RegistryRepository } from './registry/registry.repository';
import { RegistrySeed } from './registry/registry.seed';
import { UpsertRegistryEntityUseCase } from './registry/upsert-registry-entity.use-case';
import { StreamsController } from './streams/streams.controller';
import { StreamsHub } from './streams/streams.hub';
import { WebSocketUpgrades } from './streams/websocket.upgrade';

@Module({})
export class ApiModule {
  static forRoot(infra: ServiceInfra<ApiConfig>): DynamicModule {
    const keys = new ApiKeyRepository(infra.dataSource, 'api');
    return {
      module: ApiModule,
      controllers: [
        AlertEventsConsumer,
        DeadLettersConsumer,
        HistoryController,
        ExportsController,
        IngestHealthController,
        AlertsController,
        StreamsController,
        PublicAlertActionsController,
        PublicRulesController,
        PublicSilencesController,
        RegistryController,
        GrantsController,
        PartnerCredentialsController,
        KeysController,
        OpenApiController,
        ConsoleController,
      ],
      providers: [
        { provide: ApiKeyRepository, useValue: keys },
        ...apiKeyAuthProviders(keys),
        ...outboxProviders(infra),
        RegistryRepository,
        UpsertRegistryEntityUseCase,
        DeleteRegistryEntityUseCase,
        RegistrySeed,
        GrantRepository,
        ListGrantsUseCase,
        PartnerShares,
        DataScopeResolver,
        IssueApiKeyUseCase,
        RevokeApiKeyUseCase,
        { provide: PartnerAccessAdmin, useValue: new PartnerAccessAdmin(infra.kafka) },
        PartnerCredentialRepository,
        IssuePartnerCredentialUseCase,
        ListPartnerCredentialsUseCase,
        RevokePartnerCredentialUseCase,
        AlertReadRepository,
        GetAlertHistoryUseCase,
        ListAlertsUseCase,
        Clock,
        HistoryRepository,
        QueryHistoryUseCase,
        IngestHealthRepository,
        GetIngestHealthUseCase,
        DeadLetterRepository,
        DeadLetterRetention,
        ExportCursorRepository,
        StreamExportUseCase,
        StreamsHub,
        WebSocketUpgrades,
        {
          provide: ALERTING_CLIENT,
          useValue: new HttpAlertingClient({ url: infra.config.API_ALERTING_URL, token: infra.config.ALERTING_OPS_TOKEN, timeoutMs: infra.config.API_ALERTING_TIMEOUT_MS }),
        },
        AlertingForwarder,
      ],
    };
  }
}
