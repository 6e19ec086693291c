import { type DynamicModule, Module } from '@nestjs/common';
import { apiKeyAuthProviders } from '@airan/auth';
import { type ServiceInfra, createRegistryCache, registryCacheProviders } from '@airan/http';
import { outboxProviders } from '@airan/kafka';
import { Clock, IdGenerator } from '@airan/system';
import { ActOnAlertUseCase } from './actions/act-on-alert.use-case';
import { InternalAlertActionsController } from './actions/internal-alert-actions.controller';
import type { AlertingConfig } from './alerting.config';
import { AlertStateService } from './alerts/alert-state.service';
import { AlertRepository } from './alerts/alert.repository';
import { AppliedWindowRepository } from './evaluation/applied-window.repository';
import { EvaluateAbsenceUseCase } from './evaluation/evaluate-absence.use-case';
import { EvaluateSamplesUseCase } from './evaluation/evaluate-samples.use-case';
import { EvaluateWindowUseCase } from './evaluation/evaluate-window.use-case';
import { EvidenceConsumer } from './evaluation/evidence.consumer';
import { LastSeenRepository } from './evaluation/last-seen.repository';
import { AlertNotifier, RECEIVERS } from './notifications/alert.notifier';
import { InternalAlertNotificationsController } from './notifications/internal-alert-notifications.controller';
import { ListAlertNotificationsUseCase } from './notifications/list-alert-notifications.use-case';
import { NotificationDispatcher } from './notifications/notification.dispatcher';
import { NotificationRepository } from './notifications/notification.repository';
import { NotifyUnmutedUseCase } from './notifications/notify-unmuted.use-case';
import { receiversFrom } from './notifications/receivers';
import { OpsTokenLookup } from './ops-token.lookup';
import { InternalRulesController } from './rules/internal-rules.controller';
import { ManageRulesUseCase } from './rules/manage-rules.use-case';
import { EnabledRules } from './rules/enabled-rules.cache';
import { RuleRepository } from './rules/rule.repository';
import { InternalSilencesController } from './silences/internal-silences.controller';
import { ManageSilencesUseCase } from './silences/manage-silences.use-case';
import { SilenceRepository } from './silences/silence.repository';
import { AlertingTicker } from './timers/alerting.ticker';
import { EscalateAlertsUseCase } from './timers/escalate-alerts.use-case';

/**
 * Evidence consumers (cell-load windows, raw telemetry), timers, notifications and the internal ops
 * routes the api forwards to.
 */
@Module({})
export class AlertingModule {
  static forRoot(infra: ServiceInfra<AlertingConfig>): DynamicModule {
    return {
      module: AlertingModule,
      controllers: [EvidenceConsumer, InternalRulesController, InternalSilencesController, InternalAlertActionsController, InternalAlertNotificationsController],
      providers: [
        ...registryCacheProviders(infra, createRegistryCache(infra)),
        ...apiKeyAuthProviders(new OpsTokenLookup(infra.config.ALERTING_OPS_TOKEN)),
        ...outboxProviders(infra),
        Clock,
        IdGenerator,
        // alerts
        AlertRepository,
        AlertStateService,
        // evaluation
        AppliedWindowRepository,
        LastSeenRepository,
        EvaluateWindowUseCase,
        EvaluateSamplesUseCase,
        EvaluateAbsenceUseCase,
        // notifications
        { provide: RECEIVERS, useValue: receiversFrom(infra.config) },
        NotificationRepository,
        NotificationDispatcher,
        AlertNotifier,
        NotifyUnmutedUseCase,
        ListAlertNotificationsUseCase,
        // rules, silences, people acting on alerts
        RuleRepository,
        EnabledRules,
        ManageRulesUseCase,
        SilenceRepository,
        ManageSilencesUseCase,
        ActOnAlertUseCase,
        // timers
        EscalateAlertsUseCase,
        AlertingTicker,
      ],
    };
  }
}
