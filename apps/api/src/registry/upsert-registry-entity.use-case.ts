import { Inject, Injectable } from '@nestjs/common';
import type { RegistryType, RegistryTypes, Site } from '@airan/contracts';
import { INFRA, type ServiceInfra, zodIssuePaths } from '@airan/http';
import type { EntityManager } from 'typeorm';
import { REFERENCES } from './registry.references';
import { RegistryError } from './registry.errors';
import { type Placement, RegistryRepository, type StoredEntity } from './registry.repository';
import { REGISTRY_BODY_SCHEMAS, WRITABLE_REGISTRY_TYPES, type WritableRegistryType, registryIdSchema } from './registry.schemas';

/** `PUT /v1/registry/<type>/<id>`: validate, check every reference, store, publish. */
@Injectable()
export class UpsertRegistryEntityUseCase {
  constructor(
    @Inject(INFRA) private readonly infra: Pick<ServiceInfra, 'dataSource' | 'topics'>,
    private readonly registry: RegistryRepository,
  ) {}

  async execute(type: string, id: string, body: unknown): Promise<StoredEntity> {
    const writable = assertWritableType(type);
    if (!registryIdSchema.safeParse(id).success) throw new RegistryError('INVALID_ID', `invalid ${type} id "${id}"`);
    const parsed = REGISTRY_BODY_SCHEMAS[writable].safeParse(body);
    if (!parsed.success) {
      throw new RegistryError(
        'INVALID_ENTITY',
        `invalid ${type}`,
        zodIssuePaths(parsed.error.issues, '$'),
      );
    }
    const entity = { ...parsed.data, id } as RegistryTypes[WritableRegistryType] & { id: string };
    return this.infra.dataSource.transaction(async (tx) => {
      const placement = await this.checkReferences(tx, writable, entity as unknown as Record<string, unknown> & { id: string });
      await this.registry.save(tx, this.infra.topics.registry, writable, entity, placement);
      return (await this.registry.get(tx, writable, id))!;
    });
  }

  /** Every named entity must exist; a cell's GPU node must be at the cell's site. Returns where the entity sits. */
  private async checkReferences(tx: EntityManager, type: RegistryType, entity: Record<string, unknown> & { id: string }): Promise<Placement> {
    const missing: string[] = [];
    for (const { field, target } of REFERENCES[type] ?? []) {
      const value = entity[field];
      for (const refId of value === undefined ? [] : Array.isArray(value) ? (value as string[]) : [value as string]) {
        if (!(await this.registry.get(tx, target, refId))) missing.push(`${field}: no ${target} "${refId}"`);
      }
    }
    if (missing.length > 0) throw new RegistryError('REFERENCE_MISSING', `${type} "${entity.id}" names entities that do not exist`, missing);
    return placementOf(tx, this.registry, type, entity);
  }
}

export function assertWritableType(type: string): WritableRegistryType {
  if (!(WRITABLE_REGISTRY_TYPES as string[]).includes(type)) {
    throw new RegistryError('UNKNOWN_TYPE', `unknown registry type "${type}" (one of ${WRITABLE_REGISTRY_TYPES.join(', ')})`);
  }
  return type as WritableRegistryType;
}

async function placementOf(tx: EntityManager, registry: RegistryRepository, type: RegistryType, entity: Record<string, unknown> & { id: string }): Promise<Placement> {
  switch (type) {
    case 'operator':
      return { operatorId: entity.id, siteId: null };
    case 'pilot':
    case 'operator-key':
      return { operatorId: entity.operatorId as string, siteId: null };
    case 'site':
      return { operatorId: entity.operatorId as string, siteId: entity.id };
    case 'gpu-node':
    case 'cell': {
      const site = (await registry.get(tx, 'site', entity.siteId as string))!.entity as Site;
      if (type === 'cell' && entity.gpuNodeId !== undefined) {
        const node = (await registry.get(tx, 'gpu-node', entity.gpuNodeId as string))!.entity;
        if (node.siteId !== site.id) throw new RegistryError('REFERENCE_MISSING', `gpu node "${node.id}" is at site "${node.siteId}", not "${site.id}"`);
      }
      return { operatorId: site.operatorId, siteId: site.id };
    }
    case 'partner':
      return { operatorId: null, siteId: null };
  }
}
