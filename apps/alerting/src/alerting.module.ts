import { type DynamicModule, Module } from '@nestjs/common';
import type { CellLoadWindow } from '@airan/contracts';
import { EventPipeline, type ServiceInfra } from '@airan/http';
import { AlertRepository } from './alert.repository';
import type { AlertingConfig } from './alerting.config';
import { EvaluateWindowUseCase, RECEIVERS } from './evaluate-window.use-case';
import { NotificationDispatcher } from './notification.dispatcher';
import { NotificationRepository } from './notification.repository';
import { receiversFrom } from './receivers';

@Module({})
export class AlertingModule {
  static forRoot(infra: ServiceInfra<AlertingConfig>): DynamicModule {
    return {
      module: AlertingModule,
      providers: [
        AlertRepository,
        NotificationRepository,
        NotificationDispatcher,
        { provide: RECEIVERS, useValue: receiversFrom(infra.config) },
        EvaluateWindowUseCase,
        {
          provide: EventPipeline,
          inject: [EvaluateWindowUseCase],
          useFactory: (evaluate: EvaluateWindowUseCase) =>
            new EventPipeline<CellLoadWindow>(infra, { groupId: infra.config.ALERTING_GROUP_ID, topics: [infra.topics.cellLoad], handle: (tx, batch) => evaluate.execute(tx, batch), relayOutbox: true }),
        },
      ],
    };
  }
}
