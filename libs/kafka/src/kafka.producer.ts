import { type Kafka, type Message, Partitioners, type Producer } from 'kafkajs';
import { injectTraceHeaders } from '@airan/observability';
import { type MessageLimit, readMessageLimits } from './message-limits.reader';

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
 * kafkajs numbers each partition's batches before a request and, when the request fails, takes the
 * numbers back for every partition in it, including those the broker did write (a request fails as a
 * whole when one partition is refused, or when its answer is lost). The broker then holds a batch under
 * a sequence number kafkajs will use again, and it answers the next batch given that number as a
 * duplicate: acknowledged, at the earlier batch's offset, and dropped (test/durable-producer.e2e-spec.ts).
 * Two rules keep every acknowledged message on the topic:
 * - sends run one at a time, so no other send takes a number back in the pause before a retry (kafkajs
 *   sends one request per broker at a time anyway; only retries wait longer now);
 * - a send that failed leaves its producer spoiled: the next send first replaces it with a new one, whose
 *   new producer id starts its own numbering.
 */
export class DurableProducer {
  private producer: Producer;
  /** A send failed: the producer's sequence numbers may repeat ones the broker holds. */
  private spoiled = false;
  private previous: Promise<void> = Promise.resolve();

  constructor(private readonly kafka: Kafka) {
    this.producer = this.create();
  }

  connect(): Promise<void> {
    return this.producer.connect();
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
      if (this.spoiled) await this.renew();
      try {
        for (const request of requests) {
          await this.producer.sendBatch({
            acks: -1,
            timeout: timeoutMs,
            topicMessages: [...request].map(([topic, messages]) => ({ topic, messages })),
          });
        }
      } catch (error) {
        this.spoiled = true;
        throw error;
      }
    });
  }

  private create(): Producer {
    return this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  }

  /** A new producer (a new producer id) in place of a spoiled one; if it cannot connect, the send fails and the next one tries again. */
  private async renew(): Promise<void> {
    const spoiled = this.producer;
    this.producer = this.create();
    await spoiled.disconnect().catch(() => undefined);
    await this.producer.connect();
    this.spoiled = false;
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
