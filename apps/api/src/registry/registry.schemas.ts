import { REGISTRY_ENTITY_SCHEMAS as ENTITY, type RegistryType } from '@airan/contracts';
import type { z } from 'zod';

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
} as const satisfies Partial<Record<RegistryType, z.ZodTypeAny>>;

export type WritableRegistryType = keyof typeof REGISTRY_BODY_SCHEMAS;
export const WRITABLE_REGISTRY_TYPES = Object.keys(REGISTRY_BODY_SCHEMAS) as WritableRegistryType[];
