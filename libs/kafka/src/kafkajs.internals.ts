import type { Kafka } from 'kafkajs';

// kafkajs 2.2.4 (pinned) internals, in one place so an upgrade has one file to check. Its consumer always
// joins a group, so plain "assign and seek" reads (TopicFetcher) go through its cluster client and the
// consumer's own Batch filter (control records, aborted transactions); it has no request for SCRAM
// credentials (KIP-554), so that one is sent on a broker connection of the same client (scram.admin.ts).

export interface RawPartition {
  readonly partition: number;
  readonly messages: Array<{ offset: string }>;
}
interface KafkajsBatch {
  readonly messages: Array<{ offset: string; key: Buffer | null; value: Buffer | null }>;
  readonly messagesWithinOffset: Array<{ offset: string }>;
}

/** kafkajs's protocol encoder and decoder (protocol/encoder.js, decoder.js): only what the requests here use. */
export interface ProtocolEncoder {
  writeInt8(value: number): ProtocolEncoder;
  writeInt16(value: number): ProtocolEncoder;
  writeInt32(value: number): ProtocolEncoder;
  writeUVarInt(value: number): ProtocolEncoder;
  writeUVarIntString(value: string): ProtocolEncoder;
  writeUVarIntBytes(value: Buffer): ProtocolEncoder;
}
export interface ProtocolDecoder {
  readInt16(): number;
  readInt32(): number;
  readUVarInt(): number;
  readUVarIntString(): string | null;
  readTaggedFields(): void;
}

/** A request as a kafkajs connection sends it: `encode` gives the body after the request header v1. */
export interface ProtocolRequest<T> {
  readonly request: { readonly apiKey: number; readonly apiVersion: number; readonly apiName: string; encode(): Promise<ProtocolEncoder> };
  readonly response: { decode(payload: Buffer): Promise<T>; parse(decoded: T): Promise<T> };
}

interface KafkajsBroker {
  fetch(request: object): Promise<{ responses: Array<{ topicName: string; partitions: RawPartition[] }> }>;
  readonly connectionPool: { send<T>(request: ProtocolRequest<T>): Promise<T> };
}
export interface KafkajsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  refreshMetadata(): Promise<void>;
  findTopicPartitionMetadata(topic: string): Array<{ partitionId: number }>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(request: { nodeId: string }): Promise<KafkajsBroker>;
  findControllerBroker(): Promise<KafkajsBroker>;
  fetchTopicsOffset(request: Array<{ topic: string; partitions: Array<{ partition: number }>; fromBeginning: boolean }>): Promise<Array<{ partitions: Array<{ partition: number; offset: string }> }>>;
}

export const Batch = require('kafkajs/src/consumer/batch') as new (topic: string, fetchedOffset: string, partition: RawPartition) => KafkajsBatch;
export const Encoder = require('kafkajs/src/protocol/encoder') as new () => ProtocolEncoder;
export const Decoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => ProtocolDecoder;

/** A cluster client of its own (own connections, same brokers, SASL and client id as `kafka`). */
export function createCluster(kafka: Kafka): KafkajsCluster {
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  if (!symbol) throw new Error('kafkajs internals changed: no private:Kafka:createCluster (kafkajs.internals.ts needs updating)');
  return (kafka as unknown as Record<symbol, (options: object) => KafkajsCluster>)[symbol]({ metadataMaxAge: 300_000, allowAutoTopicCreation: false });
}
