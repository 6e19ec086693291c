import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type AlertEvent, TOPICS } from '@airan/contracts';
import type { ConsumedMessage, KafkaBatchContext } from '@airan/kafka';
import { AlertReadRepository } from './alert-read.repository';

/** Alert changes from `airan.alerts.v1` into the api's read model (each event once, by id). */
@Controller()
export class AlertEventsConsumer {
  constructor(private readonly alerts: AlertReadRepository) {}

  @EventPattern(TOPICS.alerts.name)
  record(@Payload() batch: ConsumedMessage<AlertEvent>[], @Ctx() context: KafkaBatchContext): Promise<void> {
    return this.alerts.apply(context.transaction, batch.map((m) => m.value));
  }
}
