import { Controller, Inject } from '@nestjs/common';
import { INFRA, type ServiceInfra } from '@airan/http';
import { Route } from '../openapi/route.decorator';
import { Input, type RouteInput } from '../params/route-input.pipe';
import { DeleteRegistryEntityUseCase } from './delete-registry-entity.use-case';
import { RegistryError } from './registry.errors';
import { REGISTRY_ROUTES } from './registry.openapi';
import { RegistryRepository } from './registry.repository';
import type { WritableRegistryType } from './registry.schemas';
import { UpsertRegistryEntityUseCase } from './upsert-registry-entity.use-case';

/** The pilot registry (routes, schemas and documentation in registry.openapi.ts; `type` is checked by the route's variants). */
@Controller()
export class RegistryController {
  constructor(
    @Inject(INFRA) private readonly infra: ServiceInfra,
    private readonly registry: RegistryRepository,
    private readonly upsert: UpsertRegistryEntityUseCase,
    private readonly remove: DeleteRegistryEntityUseCase,
  ) {}

  /** A page of entities ordered by id; `next` is the `after` of the following page. */
  @Route(REGISTRY_ROUTES.list)
  async list(@Input() { params, query }: RouteInput<typeof REGISTRY_ROUTES.list>) {
    const { operator, site, after, limit } = query;
    const items = await this.registry.list(this.infra.dataSource, params.type as WritableRegistryType, { operatorId: operator, siteId: site, after, limit });
    return { items, next: items.length === limit ? (items[items.length - 1].entity as { id: string }).id : null };
  }

  @Route(REGISTRY_ROUTES.get)
  async get(@Input() { params: { type, id } }: RouteInput<typeof REGISTRY_ROUTES.get>) {
    const found = await this.registry.get(this.infra.dataSource, type as WritableRegistryType, id);
    if (!found) throw new RegistryError('NOT_FOUND', `no ${type} "${id}"`);
    return found;
  }

  @Route(REGISTRY_ROUTES.put)
  put(@Input() { params, body }: RouteInput<typeof REGISTRY_ROUTES.put>) {
    return this.upsert.execute(params.type, params.id, body);
  }

  @Route(REGISTRY_ROUTES.delete)
  async delete(@Input() { params }: RouteInput<typeof REGISTRY_ROUTES.delete>) {
    await this.remove.execute(params.type, params.id);
  }
}
