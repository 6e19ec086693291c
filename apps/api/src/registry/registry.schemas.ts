import { REGISTRY_ENTITY_SCHEMAS as ENTITY, type RegistryType, SHARE_PRODUCT_NAMES, redactableFields } from '@airan/contracts';
import { z } from 'zod';

/** A grant's cross-field rules: a scope, a validity that ends after it starts, and only fields its products have. */
function checkGrant(grant: z.output<typeof GRANT_BODY>, ctx: z.RefinementCtx): void {
  if ([grant.operatorIds, grant.pilotIds, grant.siteIds].every((ids) => !Array.isArray(ids) || ids.length === 0)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['operatorIds'], message: 'a grant names at least one operator, pilot or site (operatorIds, pilotIds, siteIds)' });
  }
  if (grant.validUntil !== undefined && Date.parse(grant.validUntil) <= Date.parse(grant.validFrom)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['validUntil'], message: 'validUntil is not after validFrom' });
  }
  // Refinements run on a dirty value too: with a product zod already refused, the fields are unknown.
  if (!grant.products.every((product) => (SHARE_PRODUCT_NAMES as string[]).includes(product))) return;
  const fields = new Set(grant.products.flatMap(redactableFields));
  grant.redact.forEach((field, i) => {
    if (!fields.has(field)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['redact', i], message: `not a field the granted products carry that may be redacted (${[...fields].join(', ')})` });
  });
}

const GRANT_BODY = ENTITY.grant.omit({ id: true }).extend({ redact: ENTITY.grant.shape.redact.default([]) });

/**
 * Request bodies of `PUT /v1/registry/<type>/<id>`: the published entity (libs/contracts) without its
 * id, which the path names, plus the rules that span fields.
 */
export const REGISTRY_BODY_SCHEMAS = {
  operator: ENTITY.operator.omit({ id: true }),
  partner: ENTITY.partner.omit({ id: true }),
  pilot: ENTITY.pilot
    .omit({ id: true })
    .extend({ partnerIds: ENTITY.pilot.shape.partnerIds.default([]) })
    .refine((p) => !p.endDate || p.endDate >= p.startDate, { message: 'endDate is before startDate', path: ['endDate'] }),
  site: ENTITY.site.omit({ id: true }),
  'gpu-node': ENTITY['gpu-node']
    .omit({ id: true })
    .refine((n) => new Set(n.aliases ?? []).size === (n.aliases ?? []).length && !(n.aliases ?? []).includes(n.hostname), {
      message: 'aliases must be distinct and differ from hostname',
      path: ['aliases'],
    }),
  cell: ENTITY.cell
    .omit({ id: true })
    .refine((c) => c.allocatedGpus === undefined || c.gpuNodeId !== undefined, { message: 'allocatedGpus needs gpuNodeId', path: ['allocatedGpus'] }),
  grant: GRANT_BODY.superRefine(checkGrant),
} as const satisfies Partial<Record<RegistryType, z.ZodTypeAny>>;

export type WritableRegistryType = keyof typeof REGISTRY_BODY_SCHEMAS;
export const WRITABLE_REGISTRY_TYPES = Object.keys(REGISTRY_BODY_SCHEMAS) as WritableRegistryType[];
