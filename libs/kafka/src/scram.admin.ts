import { pbkdf2Sync, randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { Decoder, Encoder, type ProtocolDecoder, type ProtocolRequest, createCluster } from './kafkajs.internals';

export type ScramMechanism = 'scram-sha-256' | 'scram-sha-512';

/** The protocol's ScramMechanism codes, and each mechanism's hash and its output length (RFC 5802 `Hi`). */
const MECHANISMS: Record<ScramMechanism, { readonly code: number; readonly hash: string; readonly bytes: number }> = {
  'scram-sha-256': { code: 1, hash: 'sha256', bytes: 32 },
  'scram-sha-512': { code: 2, hash: 'sha512', bytes: 64 },
};

/** Kafka refuses fewer than 4096 iterations; twice that costs a client about 10 ms once per connection. */
export const SCRAM_ITERATIONS = 8192;

/** RESOURCE_NOT_FOUND: the user had no credential of that mechanism (a deletion already done). */
const RESOURCE_NOT_FOUND = 91;

/** A broker refused to change a SCRAM credential; `code` is the Kafka error code. */
export class ScramCredentialError extends Error {
  constructor(
    readonly user: string,
    readonly code: number,
    reason: string | null,
  ) {
    super(`SCRAM credential of "${user}" not changed: Kafka error ${code}${reason ? ` (${reason})` : ''}`);
    this.name = 'ScramCredentialError';
  }
}

interface Upsertion {
  readonly user: string;
  readonly mechanism: ScramMechanism;
  readonly iterations: number;
  readonly salt: Buffer;
  readonly saltedPassword: Buffer;
}

/** RFC 5802 SaltedPassword := Hi(password, salt, i), which is PBKDF2 with HMAC of the mechanism's hash. */
export function saltedPassword(password: string, salt: Buffer, iterations: number, mechanism: ScramMechanism): Buffer {
  const { hash, bytes } = MECHANISMS[mechanism];
  return pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, bytes, hash);
}

/**
 * AlterUserScramCredentials v0 (API key 51, KIP-554), a flexible version: the request header v2 is
 * kafkajs's header v1 followed by an empty tag buffer, so the body starts with one; the response header
 * v1 likewise ends with one before the body. The broker never sees the password: only the salted hash.
 */
export function alterUserScramCredentialsRequest(deletions: ReadonlyArray<{ user: string; mechanism: ScramMechanism }>, upsertions: readonly Upsertion[]): ProtocolRequest<Array<{ user: string; code: number; reason: string | null }>> {
  return {
    request: {
      apiKey: 51,
      apiVersion: 0,
      apiName: 'AlterUserScramCredentials',
      encode: async () => {
        const body = new Encoder().writeUVarInt(0);
        body.writeUVarInt(deletions.length + 1);
        for (const d of deletions) body.writeUVarIntString(d.user).writeInt8(MECHANISMS[d.mechanism].code).writeUVarInt(0);
        body.writeUVarInt(upsertions.length + 1);
        for (const u of upsertions) {
          body.writeUVarIntString(u.user).writeInt8(MECHANISMS[u.mechanism].code).writeInt32(u.iterations).writeUVarIntBytes(u.salt).writeUVarIntBytes(u.saltedPassword).writeUVarInt(0);
        }
        return body.writeUVarInt(0);
      },
    },
    response: {
      decode: async (payload) => {
        const decoder = new Decoder(payload);
        decoder.readTaggedFields();
        decoder.readInt32(); // throttle_time_ms
        const results = readCompactArray(decoder, (d) => {
          const result = { user: d.readUVarIntString() ?? '', code: d.readInt16(), reason: d.readUVarIntString() };
          d.readTaggedFields();
          return result;
        });
        decoder.readTaggedFields();
        return results;
      },
      parse: async (results) => results,
    },
  };
}

function readCompactArray<T>(decoder: ProtocolDecoder, read: (d: ProtocolDecoder) => T): T[] {
  const length = decoder.readUVarInt();
  return Array.from({ length: Math.max(0, length - 1) }, () => read(decoder));
}

/**
 * SCRAM credentials on the brokers, which keep them in the cluster metadata (KRaft). kafkajs has no call
 * for this (KIP-554), so the request goes on a broker connection of the caller's client, as its principal
 * (which needs ALTER on the cluster). Deleting a credential that is not there is not an error.
 */
export class ScramCredentialsAdmin {
  constructor(private readonly kafka: Kafka) {}

  async upsert(user: string, password: string, mechanism: ScramMechanism = 'scram-sha-512', iterations = SCRAM_ITERATIONS): Promise<void> {
    const salt = randomBytes(32);
    await this.alter([], [{ user, mechanism, iterations, salt, saltedPassword: saltedPassword(password, salt, iterations, mechanism) }]);
  }

  async delete(user: string, mechanism: ScramMechanism = 'scram-sha-512'): Promise<void> {
    await this.alter([{ user, mechanism }], []);
  }

  private async alter(deletions: ReadonlyArray<{ user: string; mechanism: ScramMechanism }>, upsertions: readonly Upsertion[]): Promise<void> {
    const cluster = createCluster(this.kafka);
    await cluster.connect();
    try {
      await cluster.refreshMetadata();
      // Any broker takes it (and forwards it to the active controller).
      const broker = await cluster.findControllerBroker();
      const results = await broker.connectionPool.send(alterUserScramCredentialsRequest(deletions, upsertions));
      const failed = results.find((r) => r.code !== 0 && !(r.code === RESOURCE_NOT_FOUND && deletions.some((d) => d.user === r.user)));
      if (failed) throw new ScramCredentialError(failed.user, failed.code, failed.reason);
    } finally {
      await cluster.disconnect();
    }
  }
}
