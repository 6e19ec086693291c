import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { TELEMETRY_DLQ_SCHEMA, type TelemetryDeadLetter, TOPICS } from '@airan/contracts';
import { INFRA, type ServiceInfra } from '@airan/http';
import type { ConsumedMessage, KafkaBatchContext } from '@airan/kafka';
import { DeadLetterRepository } from './dead-letter.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Dead letters from `airan.telemetry.dlq.v1` into `api.dead_letters` (each event id once). */
@Controller()
export class DeadLettersConsumer {
  constructor(
    private readonly deadLetters: DeadLetterRepository,
    @Inject(INFRA) private readonly infra: ServiceInfra,
  ) {}

  @EventPattern(TOPICS.telemetryDlq.name)
  record(@Payload() batch: ConsumedMessage<unknown>[], @Ctx() context: KafkaBatchContext): Promise<void> {
    const letters: TelemetryDeadLetter[] = [];
    for (const message of batch) {
      if (isDeadLetter(message.value)) letters.push(message.value);
      // One message that is not a dead letter must not block the partition: it is logged and passed over.
      else this.infra.logger.warn({ partition: message.partition, offset: String(message.offset) }, 'not a dead letter; passed over');
    }
    return this.deadLetters.record(context.transaction, letters);
  }
}

function isDeadLetter(value: unknown): value is TelemetryDeadLetter {
  const v = value as Partial<Record<keyof TelemetryDeadLetter, unknown>> | null;
  return (
    typeof v === 'object' && v !== null && v.schema === TELEMETRY_DLQ_SCHEMA && typeof v.id === 'string' && UUID.test(v.id) &&
    typeof v.operatorId === 'string' && typeof v.keyId === 'string' && typeof v.format === 'string' && typeof v.reason === 'string' &&
    (v.siteId === null || typeof v.siteId === 'string') && typeof v.receivedAt === 'number' && Number.isFinite(v.receivedAt) && Array.isArray(v.errors)
  );
}
