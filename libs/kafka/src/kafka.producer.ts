import { type Kafka, type Message, Partitioners } from 'kafkajs';
import { injectTraceHeaders } from '@airan/observability';
import { type MessageLimit, readMessageLimits } from './message-limits.reader';
import { RenewableProducer } from './renewable.producer';

export type { MessageLimit } from './message-limits.reader';

export interface OutgoingMessage {
  readonly key: string;
  /** Serialized as JSON unless already a string; `null` is a tombstone. */
  readonly value: unknown;
  /** Extra headers; the active W3C trace context is added unless `traceparent` is given. */
  readonly headers?: Record<string, string>;
}

/** The header of a Kafka record batch (magic 2), its 12-byte log overhead included. */
export const RECORD_BATCH_OVERHEAD_BYTES = 61;
/**
 * Kept free in every batch below the broker's limit, so that an estimate off by a few bytes (a varint
 * one byte wider, a header added on the way) never turns into MESSAGE_TOO_LARGE.
 */
export const MESSAGE_SAFETY_MARGIN_BYTES = 1024;

/** A message that would pass its topic's limit even alone in a batch: the broker would refuse it on every try. */
export class MessageTooLargeError extends Error {
  constructor(
    readonly topic: string,
    readonly bytes: number,
    readonly maxMessageBytes: number,
  ) {
    super(`a ${bytes}-byte message does not fit in ${topic}, which takes at most ${maxMessageBytes} bytes per batch (max.message.bytes)`);
    this.name = 'MessageTooLargeError';
  }
}

/** The broker refused a batch as too large (its limit is lower than the one the producer was given). */
export function isBrokerMessageTooLarge(error: unknown): boolean {
  const type = (error as { type?: unknown })?.type;
  const cause = (error as { cause?: { type?: unknown } })?.cause?.type;
  return [type, cause].some((t) => t === 'MESSAGE_TOO_LARGE' || t === 'RECORD_LIST_TOO_LARGE');
}

/**
 * An idempotent producer that waits for all in-sync replicas: a resolved `send` means Kafka holds the data.
 * kafkajs does no client-side batching, so callers hand over whole batches.
 *
 * A failed send could leave kafkajs reusing sequence numbers the broker holds (see RenewableProducer), so
 * the next send goes through a new producer, and sends run one at a time: no other send takes a number
 * back in the pause before a retry (kafkajs sends one request per broker at a time anyway; only retries
 * wait longer now).
 */
export class DurableProducer {
  private readonly producer: RenewableProducer;
  private previous: Promise<void> = Promise.resolve();

  constructor(private readonly kafka: Kafka) {
    this.producer = new RenewableProducer(() =>
      kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner }),
    );
  }

  async connect(): Promise<void> {
    await this.producer.current();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  /** The largest batch each topic takes, from the topic and broker configuration (see readMessageLimits). */
  async readMessageLimits(topics: readonly string[]): Promise<Map<string, MessageLimit>> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return await readMessageLimits(admin, topics);
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * The largest value (UTF-8 bytes) a message with `key` may carry to fit alone in a batch of a topic
   * taking `maxMessageBytes`, with the trace headers `sendBatch` would add now.
   */
  valueBudget(maxMessageBytes: number, key: string, headers?: Record<string, string>): number {
    return batchBudget(maxMessageBytes) - recordBytes({ key, value: '', headers: { ...injectTraceHeaders(), ...headers } });
  }

  /**
   * Messages for one or several topics, in one request; or, given `maxMessageBytes` per topic, in as
   * many consecutive requests as keep every topic's batch under its limit. Each topic's messages keep
   * their order across the requests (one producer, one request in flight), so a key's messages land on
   * its partition in the order given. A message too large to fit even alone fails the whole call
   * before anything is sent (MessageTooLargeError).
   */
  async sendBatch(items: ReadonlyArray<{ topic: string; message: OutgoingMessage }>, timeoutMs = 10_000, maxMessageBytes?: ReadonlyMap<string, number>): Promise<void> {
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
    const requests = maxMessageBytes ? splitRequests(byTopic, maxMessageBytes) : [byTopic];
    await this.oneAtATime(async () => {
      const producer = await this.producer.current();
      try {
        for (const request of requests) {
          await producer.sendBatch({
            acks: -1,
            timeout: timeoutMs,
            topicMessages: [...request].map(([topic, messages]) => ({ topic, messages })),
          });
        }
      } catch (error) {
        this.producer.spoil();
        throw error;
      }
    });
  }

  private oneAtATime(send: () => Promise<void>): Promise<void> {
    const run = this.previous.then(send);
    this.previous = run.catch(() => undefined);
    return run;
  }
}

/** What the records of one batch may take of a topic's limit. */
function batchBudget(maxMessageBytes: number): number {
  return maxMessageBytes - RECORD_BATCH_OVERHEAD_BYTES - MESSAGE_SAFETY_MARGIN_BYTES;
}

/** Varints are counted at their widest (5 bytes, 10 for the timestamp delta): an upper bound, never an underestimate. */
const VARINT = 5;
/** Length, attributes, timestamp delta, offset delta, key length, value length, header count. */
const RECORD_FRAMING_BYTES = VARINT + 1 + 2 * VARINT + VARINT + VARINT + VARINT + VARINT;

/** An upper bound of a message's size as a record in a batch (magic 2). */
export function recordBytes(message: Pick<Message, 'key' | 'value' | 'headers'>): number {
  const size = (v: string | Buffer | null | undefined) => (v == null ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : v.length);
  let bytes = RECORD_FRAMING_BYTES + size(message.key) + size(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) bytes += 2 * VARINT + Buffer.byteLength(name) + size(v as string | Buffer | undefined);
  }
  return bytes;
}

/** Each topic's messages cut, in order, into runs under its limit; request i carries run i of every topic. */
function splitRequests(byTopic: ReadonlyMap<string, Message[]>, maxMessageBytes: ReadonlyMap<string, number>): Array<Map<string, Message[]>> {
  const requests: Array<Map<string, Message[]>> = [];
  for (const [topic, messages] of byTopic) {
    const limit = maxMessageBytes.get(topic);
    const runs: Message[][] = [];
    let run: Message[] = [];
    let used = 0;
    for (const message of messages) {
      const bytes = recordBytes(message);
      if (limit !== undefined && bytes > batchBudget(limit)) throw new MessageTooLargeError(topic, bytes + RECORD_BATCH_OVERHEAD_BYTES, limit);
      if (limit !== undefined && run.length > 0 && used + bytes > batchBudget(limit)) {
        runs.push(run);
        run = [];
        used = 0;
      }
      run.push(message);
      used += bytes;
    }
    if (run.length > 0) runs.push(run);
    runs.forEach((r, i) => (requests[i] ??= new Map()).set(topic, r));
  }
  return requests;
}
