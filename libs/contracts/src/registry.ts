import { z } from 'zod';
import { envelopeShape, isoInstant } from './event';
import { SHARE_PRODUCT_NAMES } from './share';
import { DISTINGUISHED_NAME_MAX_LENGTH, DISTINGUISHED_NAME_PATTERN_SOURCE } from './native-batch.schema';

export const REGISTRY_SCHEMA = 'airan.registry/1';

/** A registry id: stable and URL-safe. */
export const registryIdSchema = z.string().min(1).max(128).regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'letters, digits and . _ : - (not first)');
const id = registryIdSchema;
const name = z.string().min(1).max(200);
const nodeName = z.string().min(1).max(253).regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'letters, digits and . _ : - (not first)');
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const distinguishedName = z
  .string()
  .max(DISTINGUISHED_NAME_MAX_LENGTH)
  .regex(new RegExp(DISTINGUISHED_NAME_PATTERN_SOURCE, 'u'), 'a 3GPP distinguished name such as SubNetwork=KT,ManagedElement=gnb-1,GNBDUFunction=1,NRCellDU=3');

/**
 * Pilot registry entities (docs/architecture.md §4), as published on `airan.registry.v1` and stored by
 * the api. The api's request bodies are these without `id` (the path names it), plus cross-field rules.
 */
export const REGISTRY_ENTITY_SCHEMAS = {
  operator: z.object({ id, name }).strict(),
  partner: z.object({ id, name }).strict(),
  pilot: z
    .object({
      id,
      name,
      operatorId: id,
      region: z.string().min(1).max(200),
      partnerIds: z.array(id).max(50).readonly(),
      status: z.enum(['planned', 'active', 'completed']),
      startDate: date,
      endDate: date.optional(),
    })
    .strict(),
  site: z
    .object({
      id,
      operatorId: id,
      pilotId: id.optional(),
      name,
      latitude: z.number().min(-90).max(90),
      longitude: z.number().min(-180).max(180),
    })
    .strict(),
  'gpu-node': z
    .object({
      id,
      siteId: id,
      hostname: z.string().min(1).max(253).describe('host name as DCGM reports it (`Hostname` label)'),
      model: z.string().min(1).max(100),
      gpuCount: z.number().int().min(1).max(64),
      migLayout: z
        .array(z.string().regex(/^\d+g\.\d+gb$/, 'a MIG profile such as 3g.48gb'))
        .max(64)
        .readonly()
        .optional()
        .describe('MIG profiles per device, e.g. ["3g.48gb", "4g.48gb"], where partitioned'),
      aliases: z
        .array(nodeName)
        .max(32)
        .readonly()
        .optional()
        .describe('other names exporters report for this node (Kubernetes node name, pod hostname): ingest rewrites a GPU sample naming one of them to `hostname`; unique within the site'),
    })
    .strict(),
  cell: z
    .object({
      id,
      siteId: id,
      nrCellIdentity: z.string().regex(/^[0-9a-fA-F]{9}$/, 'NCI: 36 bits as 9 hex digits').optional().describe('NR cell identity: ingest resolves a sample naming it to this cell'),
      distinguishedName: distinguishedName.optional().describe('3GPP distinguished name of the cell (`...,NRCellDU=3`): ingest resolves a sample naming it to this cell'),
      pci: z.number().int().min(0).max(1007).optional(),
      band: z.string().regex(/^n\d{1,3}$/, 'an NR band such as n78').optional(),
      bandwidthMhz: z.number().int().min(5).max(400).optional(),
      gpuNodeId: id.optional().describe("GPU node serving the cell's AI inference"),
      allocatedGpus: z.number().positive().max(64).optional().describe('GPUs allocated to the cell on its GPU node'),
    })
    .strict(),
  /**
   * What a research partner may read: these products, of the data of these operators, pilots or sites
   * (any of them), without the fields in `redact` (besides those always redacted, ALWAYS_REDACTED), from
   * `validFrom` until `validUntil` (open-ended without).
   */
  grant: z
    .object({
      id,
      partnerId: id,
      products: z.array(z.enum(SHARE_PRODUCT_NAMES)).min(1).max(SHARE_PRODUCT_NAMES.length).readonly(),
      operatorIds: z.array(id).max(50).readonly().optional(),
      pilotIds: z.array(id).max(200).readonly().optional(),
      siteIds: z.array(id).max(1000).readonly().optional(),
      redact: z.array(z.string().min(1).max(64)).max(64).readonly().describe("top-level fields of the granted products the partner does not receive (redactableFields)"),
      validFrom: isoInstant,
      validUntil: isoInstant.optional(),
    })
    .strict(),
  /** An operator's ingest key as ingest needs it: the hash only, never the key. */
  'operator-key': z
    .object({
      id,
      operatorId: id,
      keyHash: z.string().regex(/^[0-9a-f]{64}$/).describe('hex SHA-256 of the whole key'),
      revoked: z.boolean(),
    })
    .strict(),
} as const;

type Entity<T extends keyof typeof REGISTRY_ENTITY_SCHEMAS> = Readonly<z.infer<(typeof REGISTRY_ENTITY_SCHEMAS)[T]>>;
export type Operator = Entity<'operator'>;
export type Partner = Entity<'partner'>;
export type Pilot = Entity<'pilot'>;
export type Site = Entity<'site'>;
export type GpuNode = Entity<'gpu-node'>;
export type Cell = Entity<'cell'>;
export type OperatorKey = Entity<'operator-key'>;
export type Grant = Entity<'grant'>;

export interface RegistryTypes {
  operator: Operator;
  partner: Partner;
  pilot: Pilot;
  site: Site;
  'gpu-node': GpuNode;
  cell: Cell;
  grant: Grant;
  'operator-key': OperatorKey;
}

export type RegistryType = keyof RegistryTypes;

export const REGISTRY_TYPES: readonly RegistryType[] = ['operator', 'partner', 'pilot', 'site', 'gpu-node', 'cell', 'grant', 'operator-key'];

/** The value of `airan.registry.v1` (compacted), keyed `<type>:<id>`; a deletion is a tombstone (null value). */
export interface RegistryEvent<T extends RegistryType = RegistryType> {
  readonly schema: typeof REGISTRY_SCHEMA;
  readonly id: string;
  readonly type: T;
  readonly version: number;
  readonly entity: RegistryTypes[T];
}

const registryEventVariant = <T extends RegistryType>(type: T) =>
  z
    .object({
      ...envelopeShape(REGISTRY_SCHEMA),
      type: z.literal(type),
      version: z.number().int().positive().describe('rises with every write, deletions included'),
      entity: REGISTRY_ENTITY_SCHEMAS[type],
    })
    .strict();

/** `RegistryEvent` as a schema, one variant per entity type; typed against the interface so neither drifts. */
export const registryEventSchema: z.ZodType<RegistryEvent> = z.discriminatedUnion('type', [
  registryEventVariant('operator'),
  registryEventVariant('partner'),
  registryEventVariant('pilot'),
  registryEventVariant('site'),
  registryEventVariant('gpu-node'),
  registryEventVariant('cell'),
  registryEventVariant('grant'),
  registryEventVariant('operator-key'),
]);

export const registryKey = (type: RegistryType, id: string) => `${type}:${id}`;

/**
 * Kafka header carrying the id of every registry event. A tombstone has no value to hold its id, so
 * the header is the one place every event of the topic, deletions included, names itself.
 */
export const REGISTRY_EVENT_ID_HEADER = 'airan-event-id';

export function parseRegistryKey(key: string): { type: RegistryType; id: string } | undefined {
  const at = key.indexOf(':');
  const type = key.slice(0, at) as RegistryType;
  return at > 0 && REGISTRY_TYPES.includes(type) ? { type, id: key.slice(at + 1) } : undefined;
}
