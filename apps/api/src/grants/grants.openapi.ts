import { REGISTRY_ENTITY_SCHEMAS, SHARE_PRODUCT_NAMES, registryIdSchema } from '@airan/contracts';
import { z } from 'zod';
import { type OpenApiFragment, type RouteSpecs, errorsOf, schemaRef } from '../openapi/route.declaration';
import { GRANTS_HTTP_STATUS } from './grants.errors';

/** A grant as a partner reads it: the entity, its version, whether it is in force, and what it redacts per product. */
export const grantViewSchema = z
  .object({
    grant: REGISTRY_ENTITY_SCHEMAS.grant,
    version: z.number().int().min(1),
    updatedAt: z.string().datetime(),
    active: z.boolean().describe('in force now: validFrom ≤ now < validUntil'),
    redacted: z.record(z.enum(SHARE_PRODUCT_NAMES), z.array(z.string())).describe('per granted product, every field the partner does not receive'),
  })
  .strict();

/** Grants, read: admins write them as registry entities (`PUT /v1/registry/grant/{id}`). */
export const GRANT_ROUTES = {
  list: {
    method: 'GET',
    path: '/v1/grants',
    summary: 'Grants: a partner its own, ops and admin every one',
    description: 'A partner key reads its own grants only (naming another partner is 403 PARTNER_NOT_PERMITTED). Admins create, change and delete grants as registry entities: `PUT`/`DELETE /v1/registry/grant/{id}`.',
    access: ['admin', 'ops', 'partner'],
    query: z
      .object({
        partner: registryIdSchema.optional().describe("only this partner's grants"),
        active: z.enum(['true', 'false']).transform((v) => v === 'true').optional().describe('only grants in force now (true) or not (false)'),
      })
      .strict(),
    responses: { 200: { description: 'the grants, ordered by id', schema: { type: 'object', required: ['grants'], properties: { grants: { type: 'array', items: schemaRef('GrantView') } } } } },
    errors: errorsOf(GRANTS_HTTP_STATUS, 'PARTNER_NOT_PERMITTED'),
  },
} as const satisfies RouteSpecs;

export const GRANTS_OPENAPI: OpenApiFragment = {
  tag: 'grants',
  description: "What each research partner may read: products, scope, redacted fields and validity",
  routes: GRANT_ROUTES,
  schemas: { GrantView: grantViewSchema },
};
