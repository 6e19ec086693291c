import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS, type TelemetryReport } from '@airan/contracts';
import type { ConsumedMessage, KafkaBatchContext } from '@airan/kafka';
import { ApplyTelemetryUseCase } from './apply-telemetry.use-case';

/** Site reports from `airan.telemetry.v1`, applied one partition batch per transaction. */
@Controller()
export class TelemetryConsumer {
  constructor(private readonly apply: ApplyTelemetryUseCase) {}

  @EventPattern(TOPICS.telemetry.name)
  applyBatch(@Payload() batch: ConsumedMessage<TelemetryReport>[], @Ctx() context: KafkaBatchContext): Promise<void> {
    return this.apply.execute(context.transaction, batch);
  }
}
