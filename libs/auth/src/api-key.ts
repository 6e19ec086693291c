import { createHash, randomBytes } from 'node:crypto';

/**
 * API keys look like `airan_<id>_<secret>`: the id is public (logs, attribution), the secret is
 * 32 random bytes. Only the SHA-256 of the whole key is stored; high-entropy secrets need no slow hash.
 */
export interface GeneratedApiKey {
  readonly id: string;
  readonly key: string;
  readonly hash: Buffer;
}

export function generateApiKey(): GeneratedApiKey {
  const id = randomBytes(6).toString('hex');
  const key = `airan_${id}_${randomBytes(32).toString('base64url')}`;
  return { id, key, hash: hashApiKey(key) };
}

export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** A well-formed key; group 1 is its id. */
export const API_KEY_PATTERN = /^airan_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$/;

/** The id part of a well-formed key, without touching storage. */
export function apiKeyId(key: string): string | undefined {
  return API_KEY_PATTERN.exec(key)?.[1];
}

export type Role = 'admin' | 'operator' | 'ops' | 'partner';
export const ROLES: readonly Role[] = ['admin', 'operator', 'ops', 'partner'];

/** Who is calling: every action is attributable to a key id. */
export interface Principal {
  readonly keyId: string;
  readonly role: Role;
  /** The operator, partner or person the key belongs to. */
  readonly subject: string;
}
