import { z } from 'zod';
import { DISTINGUISHED_NAME_MAX_LENGTH, DISTINGUISHED_NAME_PATTERN_SOURCE, type RegistryType } from '@airan/contracts';

const id = z.string().min(1).max(128).regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'letters, digits and . _ : - (not first)');
const distinguishedName = z
  .string()
  .max(DISTINGUISHED_NAME_MAX_LENGTH)
  .regex(new RegExp(DISTINGUISHED_NAME_PATTERN_SOURCE, 'u'), 'a 3GPP distinguished name such as SubNetwork=KT,ManagedElement=gnb-1,GNBDUFunction=1,NRCellDU=3');
const nodeName = z.string().min(1).max(253).regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'letters, digits and . _ : - (not first)');
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

/** Request bodies of `PUT /v1/registry/<type>/<id>`: the entity without its id (the path names it). */
export const REGISTRY_BODY_SCHEMAS = {
  operator: z.object({ name: z.string().min(1).max(200) }).strict(),
  partner: z.object({ name: z.string().min(1).max(200) }).strict(),
  pilot: z
    .object({
      name: z.string().min(1).max(200),
      operatorId: id,
      region: z.string().min(1).max(200),
      partnerIds: z.array(id).max(50).default([]),
      status: z.enum(['planned', 'active', 'completed']),
      startDate: date,
      endDate: date.optional(),
    })
    .strict()
    .refine((p) => !p.endDate || p.endDate >= p.startDate, { message: 'endDate is before startDate', path: ['endDate'] }),
  site: z
    .object({
      operatorId: id,
      pilotId: id.optional(),
      name: z.string().min(1).max(200),
      latitude: z.number().min(-90).max(90),
      longitude: z.number().min(-180).max(180),
    })
    .strict(),
  'gpu-node': z
    .object({
      siteId: id,
      hostname: z.string().min(1).max(253),
      model: z.string().min(1).max(100),
      gpuCount: z.number().int().min(1).max(64),
      migLayout: z.array(z.string().regex(/^\d+g\.\d+gb$/, 'a MIG profile such as 3g.48gb')).max(64).optional(),
      aliases: z.array(nodeName).max(32).optional(),
    })
    .strict()
    .refine((n) => new Set(n.aliases ?? []).size === (n.aliases ?? []).length && !(n.aliases ?? []).includes(n.hostname), {
      message: 'aliases must be distinct and differ from hostname',
      path: ['aliases'],
    }),
  cell: z
    .object({
      siteId: id,
      nrCellIdentity: z.string().regex(/^[0-9a-fA-F]{9}$/, 'NCI: 36 bits as 9 hex digits').optional(),
      distinguishedName: distinguishedName.optional(),
      pci: z.number().int().min(0).max(1007).optional(),
      band: z.string().regex(/^n\d{1,3}$/, 'an NR band such as n78').optional(),
      bandwidthMhz: z.number().int().min(5).max(400).optional(),
      gpuNodeId: id.optional(),
      allocatedGpus: z.number().positive().max(64).optional(),
    })
    .strict()
    .refine((c) => c.allocatedGpus === undefined || c.gpuNodeId !== undefined, { message: 'allocatedGpus needs gpuNodeId', path: ['allocatedGpus'] }),
} as const satisfies Partial<Record<RegistryType, z.ZodTypeAny>>;

export type WritableRegistryType = keyof typeof REGISTRY_BODY_SCHEMAS;
export const WRITABLE_REGISTRY_TYPES = Object.keys(REGISTRY_BODY_SCHEMAS) as WritableRegistryType[];
export const registryIdSchema = id;
