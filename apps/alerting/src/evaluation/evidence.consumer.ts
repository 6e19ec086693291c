import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type CellLoadWindow, TOPICS, type TelemetryReport } from '@airan/contracts';
import type { ConsumedMessage, KafkaBatchContext } from '@airan/kafka';
import { EvaluateSamplesUseCase } from './evaluate-samples.use-case';
import { EvaluateWindowUseCase } from './evaluate-window.use-case';

/** The evidence alerting consumes: closed cell windows for window rules, raw reports for sample rules and last-seen times. */
@Controller()
export class EvidenceConsumer {
  constructor(
    private readonly windows: EvaluateWindowUseCase,
    private readonly samples: EvaluateSamplesUseCase,
  ) {}

  @EventPattern(TOPICS.cellLoad.name)
  evaluateWindows(@Payload() batch: ConsumedMessage<CellLoadWindow>[], @Ctx() context: KafkaBatchContext): Promise<void> {
    return this.windows.execute(context.transaction, batch);
  }

  @EventPattern(TOPICS.telemetry.name)
  evaluateSamples(@Payload() batch: ConsumedMessage<TelemetryReport>[], @Ctx() context: KafkaBatchContext): Promise<void> {
    return this.samples.execute(context.transaction, batch);
  }
}
