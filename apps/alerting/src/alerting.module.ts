import { type DynamicModule, Module } from '@nestjs/common';
import { apiKeyAuthProviders } from '@airan/auth';
import type { CellLoadWindow, TelemetryReport } from '@airan/contracts';
import { OutboxRepository } from '@airan/database';
import { EventPipeline, type ServiceInfra, createRegistryCache, registryCacheProviders } from '@airan/http';
import { ActOnAlertUseCase } from './act-on-alert.use-case';
import { AlertActionsController } from './alert-actions.controller';
import { AlertNotifier, RECEIVERS } from './alert.notifier';
import { AlertRepository } from './alert.repository';
import { AlertStateService } from './alert-state.service';
import type { AlertingConfig } from './alerting.config';
import { AlertingTicker } from './alerting.ticker';
import { AppliedWindowRepository } from './applied-window.repository';
import { EscalateAlertsUseCase } from './escalate-alerts.use-case';
import { EvaluateAbsenceUseCase } from './evaluate-absence.use-case';
import { EvaluateSamplesUseCase } from './evaluate-samples.use-case';
import { EvaluateWindowUseCase } from './evaluate-window.use-case';
import { LastSeenRepository } from './last-seen.repository';
import { ManageRulesUseCase } from './manage-rules.use-case';
import { ManageSilencesUseCase } from './manage-silences.use-case';
import { NotificationDispatcher } from './notification.dispatcher';
import { NotificationRepository } from './notification.repository';
import { NotifyUnmutedUseCase } from './notify-unmuted.use-case';
import { OpsTokenLookup } from './ops-token.lookup';
import { receiversFrom } from './receivers';
import { RuleRepository } from './rule.repository';
import { RulesController } from './rules.controller';
import { SilenceRepository } from './silence.repository';
import { SilencesController } from './silences.controller';

/** Window pipeline (cell-load), sample pipeline (telemetry), timers, notifications and the internal ops routes. */
@Module({})
export class AlertingModule {
  static forRoot(infra: ServiceInfra<AlertingConfig>): DynamicModule {
    const windows = Symbol('WINDOW_PIPELINE');
    const samples = Symbol('SAMPLE_PIPELINE');
    return {
      module: AlertingModule,
      controllers: [RulesController, SilencesController, AlertActionsController],
      providers: [
        ...registryCacheProviders(infra, createRegistryCache(infra)),
        ...apiKeyAuthProviders(new OpsTokenLookup(infra.config.ALERTING_OPS_TOKEN)),
        AlertRepository,
        RuleRepository,
        SilenceRepository,
        LastSeenRepository,
        AppliedWindowRepository,
        { provide: OutboxRepository, useValue: new OutboxRepository(infra.name) },
        NotificationRepository,
        NotificationDispatcher,
        { provide: RECEIVERS, useValue: receiversFrom(infra.config) },
        AlertNotifier,
        AlertStateService,
        EvaluateWindowUseCase,
        EvaluateSamplesUseCase,
        EvaluateAbsenceUseCase,
        EscalateAlertsUseCase,
        NotifyUnmutedUseCase,
        AlertingTicker,
        ManageRulesUseCase,
        ManageSilencesUseCase,
        ActOnAlertUseCase,
        {
          provide: windows,
          inject: [EvaluateWindowUseCase],
          useFactory: (evaluate: EvaluateWindowUseCase) =>
            new EventPipeline<CellLoadWindow>(infra, { groupId: infra.config.ALERTING_GROUP_ID, topics: [infra.topics.cellLoad], handle: (tx, batch) => evaluate.execute(tx, batch), relayOutbox: true }),
        },
        {
          provide: samples,
          inject: [EvaluateSamplesUseCase],
          useFactory: (evaluate: EvaluateSamplesUseCase) =>
            new EventPipeline<TelemetryReport>(infra, {
              groupId: infra.config.ALERTING_SAMPLES_GROUP_ID,
              topics: [infra.topics.telemetry],
              handle: (tx, batch) => evaluate.execute(tx, batch),
              relayOutbox: false,
            }),
        },
      ],
    };
  }
}
