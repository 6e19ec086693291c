import { Inject, Injectable } from '@nestjs/common';
import { type Cell, type GpuNode, type RegistryType, type RegistryTypes, type Site, registryIdSchema } from '@airan/contracts';
import { INFRA, type ServiceInfra, zodIssuePaths } from '@airan/http';
import type { EntityManager } from 'typeorm';
import { REFERENCES } from './registry.references';
import { RegistryError } from './registry.errors';
import { type Placement, RegistryRepository, type StoredEntity } from './registry.repository';
import { REGISTRY_BODY_SCHEMAS, WRITABLE_REGISTRY_TYPES, type WritableRegistryType } from './registry.schemas';

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
  if (!(WRITABLE_REGISTRY_TYPES as string[]).includes(type)) throw unknownRegistryType(type);
  return type as WritableRegistryType;
}

export function unknownRegistryType(type: string): RegistryError {
  return new RegistryError('UNKNOWN_TYPE', `unknown registry type "${type}" (one of ${WRITABLE_REGISTRY_TYPES.join(', ')})`);
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
      await assertNamesUnique(tx, registry, type, entity, site.id);
      return { operatorId: site.operatorId, siteId: site.id };
    }
    case 'partner':
    case 'grant':
      return { operatorId: null, siteId: null };
  }
}

/**
 * The operator's own names (a cell's NCI and DN, a GPU node's hostname and aliases) must name one
 * entity within the site, or ingest could not resolve them: a clash is INVALID_ENTITY at the field.
 */
async function assertNamesUnique(tx: EntityManager, registry: RegistryRepository, type: 'cell' | 'gpu-node', entity: Record<string, unknown> & { id: string }, siteId: string): Promise<void> {
  const others = (await registry.list(tx, type, { siteId, limit: 100_000 })).map((s) => s.entity).filter((e) => e.id !== entity.id);
  const clashes: Array<{ path: string; code: string; message: string }> = [];
  if (type === 'cell') {
    const cell = entity as unknown as Cell;
    const nci = cell.nrCellIdentity?.toLowerCase();
    for (const other of others as Cell[]) {
      if (nci !== undefined && other.nrCellIdentity?.toLowerCase() === nci) clashes.push({ path: 'body.nrCellIdentity', code: 'DUPLICATE_VALUE', message: `cell "${other.id}" at site "${siteId}" has this NCI` });
      if (cell.distinguishedName !== undefined && other.distinguishedName === cell.distinguishedName) clashes.push({ path: 'body.distinguishedName', code: 'DUPLICATE_VALUE', message: `cell "${other.id}" at site "${siteId}" has this distinguished name` });
    }
  } else {
    const node = entity as unknown as GpuNode;
    for (const other of others as GpuNode[]) {
      const taken = new Set([other.hostname, ...(other.aliases ?? [])]);
      if (taken.has(node.hostname)) clashes.push({ path: 'body.hostname', code: 'DUPLICATE_VALUE', message: `gpu node "${other.id}" at site "${siteId}" already reports as "${node.hostname}"` });
      (node.aliases ?? []).forEach((alias, i) => {
        if (taken.has(alias)) clashes.push({ path: `body.aliases[${i}]`, code: 'DUPLICATE_VALUE', message: `gpu node "${other.id}" at site "${siteId}" already reports as "${alias}"` });
      });
    }
  }
  if (clashes.length > 0) throw new RegistryError('INVALID_ENTITY', `${type} "${entity.id}" reuses a name of another ${type} at site "${siteId}"`, clashes);
}
