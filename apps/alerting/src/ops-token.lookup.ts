import { timingSafeEqual } from 'node:crypto';
import { type PrincipalLookup, type Principal, apiKeyId, hashApiKey } from '@airan/auth';

/**
 * The only caller of alerting's HTTP routes is the api, holding the ops token (an API key that never
 * leaves configuration). Only its hash is kept in memory; without a token every route answers 401.
 */
export class OpsTokenLookup implements PrincipalLookup {
  private readonly hash?: Buffer;
  private readonly keyId?: string;

  constructor(token: string | undefined) {
    if (token) {
      this.hash = hashApiKey(token);
      this.keyId = apiKeyId(token);
    }
  }

  async findActive(key: string): Promise<Principal | undefined> {
    if (!this.hash || !this.keyId) return undefined;
    return timingSafeEqual(hashApiKey(key), this.hash) ? { keyId: this.keyId, role: 'admin', subject: 'api' } : undefined;
  }
}
