import { Inject, Injectable } from '@nestjs/common';
import { ApiKeyRepository, ROLES } from '@airan/auth';
import { INFRA, type ServiceInfra, zodIssuePaths } from '@airan/http';
import { RegistryRepository } from '../registry/registry.repository';
import { KeysError } from './keys.errors';
import { type IssuedKey, keyRequestSchema } from './keys.schemas';

/**
 * Issues an API key. Operator keys write telemetry for their operator's sites: they are also
 * published (hash only) on the registry topic, which is how ingest learns them.
 */
@Injectable()
export class IssueApiKeyUseCase {
  constructor(
    @Inject(INFRA) private readonly infra: Pick<ServiceInfra, 'dataSource' | 'topics'>,
    private readonly keys: ApiKeyRepository,
    private readonly registry: RegistryRepository,
  ) {}

  async execute(body: unknown): Promise<IssuedKey> {
    const parsed = keyRequestSchema.safeParse(body);
    if (!parsed.success) throw new KeysError('INVALID_KEY_REQUEST', 'invalid key request', zodIssuePaths(parsed.error.issues, '$'));
    const { role, subject, name } = parsed.data;
    return this.infra.dataSource.transaction(async (tx) => {
      if (role === 'operator' && !(await this.registry.get(tx, 'operator', subject))) {
        throw new KeysError('UNKNOWN_OPERATOR', `no operator "${subject}" in the registry`);
      }
      const created = await this.keys.create(role as (typeof ROLES)[number], subject, name, tx);
      if (role === 'operator') {
        await this.registry.save(tx, this.infra.topics.registry, 'operator-key', { id: created.id, operatorId: subject, keyHash: created.hash.toString('hex'), revoked: false }, { operatorId: subject, siteId: null });
      }
      return { id: created.id, key: created.key, role, subject };
    });
  }
}
