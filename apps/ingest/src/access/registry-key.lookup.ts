import type { Principal, PrincipalLookup } from '@airan/auth';
import { hashApiKey } from '@airan/auth';
import type { OperatorKey } from '@airan/contracts';
import type { RegistryCache } from '@airan/kafka';

/**
 * Operator keys as ingest knows them: from the registry topic (hashes only), indexed by hash.
 * A revocation published by the api takes effect as soon as the cache reads it.
 */
export class RegistryKeyLookup implements PrincipalLookup {
  private readonly byHash = new Map<string, OperatorKey>();

  constructor(registry: RegistryCache) {
    registry.onChange((type, id, entity) => {
      if (type !== 'operator-key') return;
      for (const [hash, key] of this.byHash) if (key.id === id) this.byHash.delete(hash);
      const key = entity as OperatorKey | undefined;
      if (key && !key.revoked) this.byHash.set(key.keyHash, key);
    });
  }

  async findActive(key: string): Promise<Principal | undefined> {
    const found = this.byHash.get(hashApiKey(key).toString('hex'));
    return found && { keyId: found.id, role: 'operator', subject: found.operatorId };
  }
}
