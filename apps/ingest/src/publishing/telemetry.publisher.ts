import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { TelemetryDeadLetter, TelemetryReport } from '@airan/contracts';
import { INFRA, type ServiceInfra } from '@airan/http';
import { DurableProducer, isBrokerMessageTooLarge, MessageTooLargeError, type OutgoingMessage } from '@airan/kafka';
import type { IngestConfig } from '../ingest.config';
import { IngestError } from '../ingest.errors';
import { DeadLetterTooLargeError, fitDeadLetter } from './dead-letter.fitter';
import { InflightGate } from './inflight.gate';
import { ReportItemTooLargeError, splitReport } from './report.splitter';

/**
 * Writes normalised reports and dead letters to Kafka; resolves only once Kafka holds them. Every
 * message stays under its topic's size limit, read from the broker at start-up: a request within
 * INGEST_MAX_RECORDS and INGEST_MAX_BODY_BYTES can pass the broker's 1 MB default as one message (5,000
 * samples of one site) or as one partition's batch (2,000 dead letters), and the broker refuses that
 * on every retry. So reports are split into parts, oversized dead letters are cut, and the messages go
 * out in as many produce requests as the limits need, in order.
 */
@Injectable()
export class TelemetryPublisher implements OnModuleInit, OnModuleDestroy {
  private readonly producer: DurableProducer;
  /** max.message.bytes per topic name, as last read from the broker. */
  private limits = new Map<string, number>();

  constructor(
    @Inject(INFRA) private readonly infra: ServiceInfra<IngestConfig>,
    private readonly gate: InflightGate,
  ) {
    this.producer = new DurableProducer(infra.kafka);
  }

  async onModuleInit(): Promise<void> {
    await this.producer.connect();
    await this.readLimits();
  }

  onModuleDestroy(): Promise<void> {
    return this.producer.disconnect();
  }

  /** `records`: how many input records the messages carry, the unit of INGEST_MAX_INFLIGHT_RECORDS, shared fairly between operators. */
  async publish(operatorId: string, reports: readonly TelemetryReport[], deadLetters: readonly TelemetryDeadLetter[], records: number): Promise<void> {
    const items = this.messages(reports, deadLetters);
    if (items.length === 0) return;
    const timeoutMs = this.infra.config.INGEST_KAFKA_TIMEOUT_MS;
    // Outside the try: a full budget is OVERLOADED, not a Kafka failure.
    const sending = this.gate.hold(operatorId, records, () => this.producer.sendBatch(items, timeoutMs, this.limits));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no acknowledgement within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([sending, deadline]);
    } catch (error) {
      if (error instanceof MessageTooLargeError) throw tooLarge(error.message);
      if (isBrokerMessageTooLarge(error)) {
        // The broker's limit went down since start-up: read it again, so the client's retry is split under it.
        await this.readLimits().catch((e: Error) => this.infra.logger.warn({ err: e.message }, 'could not read Kafka message limits'));
        throw new IngestError('KAFKA_UNAVAILABLE', 'Kafka refused a message as too large for its current limit; the limit was read again, retry', undefined, 1);
      }
      // Nothing was acknowledged to the client: it retries, and sample identity de-duplicates downstream.
      throw new IngestError('KAFKA_UNAVAILABLE', `Kafka did not acknowledge the batch: ${(error as Error).message}`, undefined, 5);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Reports split into parts and dead letters cut to fit, already serialized, in the order they are to land. */
  private messages(reports: readonly TelemetryReport[], deadLetters: readonly TelemetryDeadLetter[]): Array<{ topic: string; message: OutgoingMessage }> {
    const { telemetry, telemetryDlq } = this.infra.topics;
    const budget = (topic: string, key: string) => this.producer.valueBudget(this.limit(topic), key);
    try {
      return [
        ...reports.flatMap((r) => splitReport(r, budget(telemetry, r.siteId)).map((value) => ({ topic: telemetry, message: { key: r.siteId, value } }))),
        ...deadLetters.map((d) => {
          const key = d.siteId ?? 'unknown';
          return { topic: telemetryDlq, message: { key, value: fitDeadLetter(d, budget(telemetryDlq, key)) } };
        }),
      ];
    } catch (error) {
      if (error instanceof ReportItemTooLargeError) throw tooLarge(`${error.message}: ${telemetry} takes at most ${this.limit(telemetry)} bytes per message (max.message.bytes)`);
      if (error instanceof DeadLetterTooLargeError) throw tooLarge(`${error.message}: ${telemetryDlq} takes at most ${this.limit(telemetryDlq)} bytes per message (max.message.bytes)`);
      throw error;
    }
  }

  private limit(topic: string): number {
    return this.limits.get(topic) as number;
  }

  private async readLimits(): Promise<void> {
    const { telemetry, telemetryDlq } = this.infra.topics;
    const read = await this.producer.readMessageLimits([telemetry, telemetryDlq]);
    this.limits = new Map([...read].map(([topic, limit]) => [topic, limit.maxMessageBytes]));
    this.infra.logger.info({ limits: [...read.values()] }, 'Kafka message limits');
  }
}

/** Nothing was sent: the same request would fail the same way on every retry, so it is no 503. */
function tooLarge(message: string): IngestError {
  return new IngestError('MESSAGE_TOO_LARGE', message);
}
