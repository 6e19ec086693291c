import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Inject, Param, Put, Query } from '@nestjs/common';
import { z } from 'zod';
import { Roles } from '@airan/auth';
import { INFRA, type ServiceInfra, zodIssuePaths } from '@airan/http';
import { DeleteRegistryEntityUseCase } from './delete-registry-entity.use-case';
import { RegistryError } from './registry.errors';
import { RegistryRepository } from './registry.repository';
import { UpsertRegistryEntityUseCase, assertWritableType } from './upsert-registry-entity.use-case';

const listQuery = z
  .object({
    operator: z.string().max(128).optional(),
    site: z.string().max(128).optional(),
    after: z.string().max(128).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

/** The pilot registry: operators, partners, pilots, sites, GPU nodes and cells. Reads for ops and admins, writes for admins. */
@Controller('v1/registry')
export class RegistryController {
  constructor(
    @Inject(INFRA) private readonly infra: ServiceInfra,
    private readonly registry: RegistryRepository,
    private readonly upsert: UpsertRegistryEntityUseCase,
    private readonly remove: DeleteRegistryEntityUseCase,
  ) {}

  /** A page of entities ordered by id; `next` is the `after` of the following page. */
  @Get(':type')
  @Roles('ops', 'admin')
  async list(@Param('type') type: string, @Query() raw: Record<string, string>) {
    const writable = assertWritableType(type);
    const parsed = listQuery.safeParse(raw);
    if (!parsed.success) throw new RegistryError('INVALID_QUERY', 'invalid query parameters', zodIssuePaths(parsed.error.issues, 'query'));
    const { operator, site, after, limit } = parsed.data;
    const items = await this.registry.list(this.infra.dataSource, writable, { operatorId: operator, siteId: site, after, limit });
    return { items, next: items.length === limit ? (items[items.length - 1].entity as { id: string }).id : null };
  }

  @Get(':type/:id')
  @Roles('ops', 'admin')
  async get(@Param('type') type: string, @Param('id') id: string) {
    const found = await this.registry.get(this.infra.dataSource, assertWritableType(type), id);
    if (!found) throw new RegistryError('NOT_FOUND', `no ${type} "${id}"`);
    return found;
  }

  @Put(':type/:id')
  @Roles('admin')
  put(@Param('type') type: string, @Param('id') id: string, @Body() body: unknown) {
    return this.upsert.execute(type, id, body);
  }

  @Delete(':type/:id')
  @Roles('admin')
  @HttpCode(HttpStatus.NO_CONTENT)
  async delete(@Param('type') type: string, @Param('id') id: string) {
    await this.remove.execute(type, id);
  }
}
