import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { type RegistryEvent, type RegistryType, type RegistryTypes, parseRegistryKey } from '@airan/contracts';
import { type Logger, extractTraceContext, withContext } from '@airan/observability';
import { UnknownSchemaError, decodeEvent, decodeHeaders, skipUnknownSchema } from './event-decoding';

/**
 * An in-memory copy of the compacted `airan.registry.v1`, read from the beginning at start-up and
 * followed afterwards. Services consult it instead of another service's tables. `ready` resolves once
 * everything that was on the topic at start-up has been read.
 */
export class RegistryCache {
  private readonly entities = new Map<RegistryType, Map<string, unknown>>();
  private readonly consumer: Consumer;
  private readonly listeners: Array<(type: RegistryType, id: string, entity: unknown | undefined) => void> = [];
  private caughtUp = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    groupPrefix: string,
    private readonly logger: Logger,
  ) {
    // A private, throw-away group: every instance reads the whole topic and commits nothing.
    this.consumer = kafka.consumer({ groupId: `${groupPrefix}registry-cache-${randomUUID()}`, allowAutoTopicCreation: false });
  }

  get isCaughtUp(): boolean {
    return this.caughtUp;
  }

  get<T extends RegistryType>(type: T, id: string): RegistryTypes[T] | undefined {
    return this.entities.get(type)?.get(id) as RegistryTypes[T] | undefined;
  }

  all<T extends RegistryType>(type: T): RegistryTypes[T][] {
    return [...(this.entities.get(type)?.values() ?? [])] as RegistryTypes[T][];
  }

  /** Called for every change, after the cache applied it; `entity` is undefined for a deletion. */
  onChange(listener: (type: RegistryType, id: string, entity: unknown | undefined) => void): void {
    this.listeners.push(listener);
  }

  async start(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(this.topic).finally(() => admin.disconnect());
    const pending = new Map(ends.filter((p) => BigInt(p.high) > 0n).map((p) => [p.partition, BigInt(p.high)]));
    let markReady!: () => void;
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    const check = () => {
      if (pending.size === 0 && !this.caughtUp) {
        this.caughtUp = true;
        markReady();
      }
    };
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        // The change's own trace (the api request behind it) is active for the listeners and their log lines.
        withContext(extractTraceContext(decodeHeaders(message.headers)), () => this.apply(message.key?.toString('utf8') ?? '', message.value, { topic: this.topic, partition, offset: message.offset }));
        const end = pending.get(partition);
        if (end !== undefined && BigInt(message.offset) + 1n >= end) {
          pending.delete(partition);
          check();
        }
      },
    });
    check();
    await ready;
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }

  private apply(key: string, value: Buffer | null, where: { topic: string; partition: number; offset: string }): void {
    const parsed = parseRegistryKey(key);
    if (!parsed) {
      this.logger.warn({ key }, 'ignoring registry message with an unknown key');
      return;
    }
    let byId = this.entities.get(parsed.type);
    if (!byId) this.entities.set(parsed.type, (byId = new Map()));
    let entity: unknown;
    try {
      entity = value === null ? undefined : decodeEvent<RegistryEvent>(value).entity;
    } catch (error) {
      if (!(error instanceof UnknownSchemaError)) throw error;
      return skipUnknownSchema(this.logger, { ...where, schema: error.schema });
    }
    if (entity === undefined) byId.delete(parsed.id);
    else byId.set(parsed.id, entity);
    for (const listener of this.listeners) listener(parsed.type, parsed.id, entity);
  }
}
