import { type Kafka, type Message, Partitioners, type Producer } from 'kafkajs';
import { injectTraceHeaders } from '@airan/observability';

export interface OutgoingMessage {
  readonly key: string;
  /** Serialized as JSON unless already a string; `null` is a tombstone. */
  readonly value: unknown;
  /** Extra headers; the active W3C trace context is added unless `traceparent` is given. */
  readonly headers?: Record<string, string>;
}

/**
 * An idempotent producer that waits for all in-sync replicas: a resolved `send` means Kafka holds the data.
 * kafkajs does no client-side batching, so callers hand over whole batches.
 */
export class DurableProducer {
  private readonly producer: Producer;

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  /** Messages for one or several topics, in one request. */
  async sendBatch(items: ReadonlyArray<{ topic: string; message: OutgoingMessage }>, timeoutMs = 10_000): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    const trace = injectTraceHeaders();
    for (const { topic, message } of items) {
      const list = byTopic.get(topic) ?? [];
      list.push({
        key: message.key,
        value: message.value === null || typeof message.value === 'string' ? message.value : JSON.stringify(message.value),
        headers: { ...trace, ...message.headers },
      });
      byTopic.set(topic, list);
    }
    await this.producer.sendBatch({
      acks: -1,
      timeout: timeoutMs,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }
}
