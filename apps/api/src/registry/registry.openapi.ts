import { REGISTRY_ENTITY_SCHEMAS, registryIdSchema } from '@airan/contracts';
import { z } from 'zod';
import { type DocumentedSchema, type OpenApiFragment, type RouteSpecs, type RouteVariant, errorsOf, pascalCase as pascal, schemaRef } from '../openapi/route.declaration';
import { REGISTRY_HTTP_STATUS } from './registry.errors';
import { REGISTRY_BODY_SCHEMAS, WRITABLE_REGISTRY_TYPES, type WritableRegistryType } from './registry.schemas';
import { unknownRegistryType } from './upsert-registry-entity.use-case';

const label = z.string().max(128);

/** One route per writable type: `{type}` is documented as each type's own path, with its own schemas. */
const perType = (variant: (type: WritableRegistryType, schemaName: string) => RouteVariant) => ({
  param: 'type',
  values: Object.fromEntries(WRITABLE_REGISTRY_TYPES.map((type) => [type, variant(type, pascal(type))])),
  unknown: unknownRegistryType,
});
const typeAndId = z.object({ type: z.string(), id: registryIdSchema }).strict();

/** The pilot registry: operators, partners, pilots, sites, GPU nodes and cells. Reads for ops and admins, writes for admins. */
export const REGISTRY_ROUTES = {
  list: {
    method: 'GET',
    path: '/v1/registry/{type}',
    summary: 'List entities',
    access: ['ops', 'admin'],
    params: z.object({ type: z.string() }).strict(),
    query: z
      .object({
        operator: label.optional().describe('only entities of this operator'),
        site: label.optional().describe('only entities at this site'),
        after: label.optional().describe("id to continue after (the previous page's `next`)"),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      })
      .strict(),
    variants: perType((type, name) => ({ summary: `List ${type} entities, ordered by id`, responses: { 200: { description: 'a page of stored entities', schema: schemaRef(`${name}Page`) } } })),
    responses: { 200: { description: 'a page of stored entities' } },
    errors: [],
  },
  get: {
    method: 'GET',
    path: '/v1/registry/{type}/{id}',
    summary: 'One entity',
    access: ['ops', 'admin'],
    params: typeAndId,
    variants: perType((type, name) => ({ summary: `One ${type}`, responses: { 200: { description: 'the entity with its version', schema: schemaRef(`${name}Entry`) } } })),
    responses: { 200: { description: 'the entity with its version' } },
    errors: errorsOf(REGISTRY_HTTP_STATUS, 'NOT_FOUND'),
  },
  put: {
    method: 'PUT',
    path: '/v1/registry/{type}/{id}',
    summary: 'Create or replace an entity; published on airan.registry.v1',
    access: ['admin'],
    params: typeAndId,
    variants: perType((type, name) => ({
      summary: `Create or replace a ${type}; published on airan.registry.v1`,
      body: REGISTRY_BODY_SCHEMAS[type],
      responses: { 200: { description: 'stored, with its new version', schema: schemaRef(`${name}Entry`) } },
    })),
    responses: { 200: { description: 'stored, with its new version' } },
    errors: [
      { ...errorsOf(REGISTRY_HTTP_STATUS, 'REFERENCE_MISSING')[0], description: 'REFERENCE_MISSING: a named entity does not exist, or a GPU node is at another site' },
      { ...errorsOf(REGISTRY_HTTP_STATUS, 'INVALID_ENTITY')[0], description: "INVALID_ENTITY: an operator's own name (NCI, DN, hostname, alias) is taken at the site" },
    ],
  },
  delete: {
    method: 'DELETE',
    path: '/v1/registry/{type}/{id}',
    summary: 'Delete an entity; refused while referenced',
    access: ['admin'],
    params: typeAndId,
    variants: perType((type) => ({ summary: `Delete a ${type}; refused while referenced` })),
    responses: { 204: { description: 'deleted; a tombstone is published' } },
    errors: errorsOf(REGISTRY_HTTP_STATUS, 'NOT_FOUND', 'STILL_REFERENCED'),
  },
} as const satisfies RouteSpecs;

/**
 * The component schemas of one registry type: `<Type>Body` (what PUT takes), `<Type>` (the entity as
 * stored and published, from libs/contracts), `<Type>Entry` (one stored entity as GET and PUT answer
 * it) and `<Type>Page` (what a list answers).
 */
function typeSchemas(type: WritableRegistryType): Array<[string, DocumentedSchema]> {
  const name = pascal(type);
  return [
    [`${name}Body`, REGISTRY_BODY_SCHEMAS[type]],
    [name, REGISTRY_ENTITY_SCHEMAS[type]],
    [
      `${name}Entry`,
      {
        type: 'object',
        required: ['type', 'entity', 'version', 'updatedAt'],
        properties: {
          type: { type: 'string', enum: [type] },
          entity: schemaRef(name),
          version: { type: 'integer', minimum: 1, description: 'rises with every write, deletions included' },
          updatedAt: { type: 'string', format: 'date-time' },
        },
        additionalProperties: false,
      },
    ],
    [
      `${name}Page`,
      {
        type: 'object',
        required: ['items', 'next'],
        properties: {
          items: { type: 'array', items: schemaRef(`${name}Entry`) },
          next: { type: ['string', 'null'], description: 'the `after` of the following page; null when this page is not full' },
        },
        additionalProperties: false,
      },
    ],
  ];
}

export const REGISTRY_OPENAPI: OpenApiFragment = {
  tag: 'registry',
  description: 'The pilot registry, published on airan.registry.v1 for the other services',
  routes: REGISTRY_ROUTES,
  schemas: Object.fromEntries(WRITABLE_REGISTRY_TYPES.flatMap(typeSchemas)),
};
