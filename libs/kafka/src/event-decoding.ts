import type { KafkaMessage } from 'kafkajs';
import { unknownSchemaOf } from '@airan/contracts';
import { counter, type Logger } from '@airan/observability';

/** Decoding consumed messages: headers as text, JSON event values checked against the schemas this build reads. */

const unknownSchema = counter('airan_consumer_unknown_schema_total', 'Events skipped because this build does not know their schema (another major version)', ['topic', 'schema']);

export function decodeHeaders(headers: KafkaMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const text = headerText(value);
    if (text !== undefined) out[name] = text;
  }
  return out;
}

/** A header as text; a repeated header counts by its first value. */
export function headerText(value: NonNullable<KafkaMessage['headers']>[string]): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
}

/** An event of a schema this build does not read: skipped, never applied as the version it knows. */
export class UnknownSchemaError extends Error {
  constructor(readonly schema: string) {
    super(`unknown event schema ${schema}`);
  }
}

/** Counts and logs an event skipped for its schema. It stays in its topic for a build that reads it (a replay from its offset applies it then). */
export function skipUnknownSchema(logger: Logger, where: { topic: string; partition: number; offset: string; schema: string }): void {
  unknownSchema.inc({ topic: where.topic, schema: where.schema });
  logger.error(where, 'skipping an event of a schema this build does not read');
}

/** A JSON event value, refused when its `schema` is one this build does not read. */
export function decodeEvent<T>(value: Buffer): T {
  const event: unknown = JSON.parse(value.toString('utf8'));
  const unknown = unknownSchemaOf(event);
  if (unknown !== undefined) throw new UnknownSchemaError(unknown);
  return event as T;
}
