import { Inject, Injectable } from '@nestjs/common';
import { ApiKeyRepository } from '@airan/auth';
import { INFRA, type ServiceInfra } from '@airan/http';
import { RegistryRepository } from '../registry/registry.repository';
import { KeysError } from './keys.errors';

/** Revokes a key at once in the api, and for ingest through the registry topic. */
@Injectable()
export class RevokeApiKeyUseCase {
  constructor(
    @Inject(INFRA) private readonly infra: Pick<ServiceInfra, 'dataSource' | 'topics'>,
    private readonly keys: ApiKeyRepository,
    private readonly registry: RegistryRepository,
  ) {}

  async execute(id: string): Promise<void> {
    await this.infra.dataSource.transaction(async (tx) => {
      const revoked = await this.keys.revoke(id, tx);
      if (!revoked) throw new KeysError('KEY_NOT_FOUND', `no active key "${id}"`);
      if (revoked.role === 'operator') {
        await this.registry.save(tx, this.infra.topics.registry, 'operator-key', { id, operatorId: revoked.subject, keyHash: revoked.hash.toString('hex'), revoked: true }, { operatorId: revoked.subject, siteId: null });
      }
    });
  }
}
