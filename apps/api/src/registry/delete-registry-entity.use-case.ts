import { Inject, Injectable } from '@nestjs/common';
import { INFRA, type ServiceInfra } from '@airan/http';
import { referrersOf } from './registry.references';
import { RegistryError } from './registry.errors';
import { RegistryRepository } from './registry.repository';
import { assertWritableType } from './upsert-registry-entity.use-case';

/** `DELETE /v1/registry/<type>/<id>`: refused while anything still names the entity; publishes a tombstone. */
@Injectable()
export class DeleteRegistryEntityUseCase {
  constructor(
    @Inject(INFRA) private readonly infra: Pick<ServiceInfra, 'dataSource' | 'topics'>,
    private readonly registry: RegistryRepository,
  ) {}

  async execute(type: string, id: string): Promise<void> {
    const writable = assertWritableType(type);
    await this.infra.dataSource.transaction(async (tx) => {
      if (!(await this.registry.get(tx, writable, id, true))) throw new RegistryError('NOT_FOUND', `no ${type} "${id}"`);
      const holders: string[] = [];
      for (const { type: referrer, field } of referrersOf(writable)) {
        const n = await this.registry.countReferences(tx, referrer, field, id);
        if (n > 0) holders.push(`${n} ${referrer} (${field})`);
      }
      if (holders.length > 0) throw new RegistryError('STILL_REFERENCED', `${type} "${id}" is still referenced`, holders);
      await this.registry.delete(tx, this.infra.topics.registry, writable, id);
    });
  }
}
