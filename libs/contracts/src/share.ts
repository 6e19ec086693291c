import { z } from 'zod';
import { alertEventSchema } from './alerts';
import { cellLoadWindowSchema } from './cell-load';
import { rollupWindowSchema } from './rollups';
import { telemetryReportSchema } from './telemetry';

/**
 * The data products partners are granted, each one event schema. A partner's copy of product P is the
 * topic `airan.share.<partnerId>.<P>.v1`, keyed like its source; its values are the source events with
 * the fields the grant redacts left out.
 */
export const SHARE_PRODUCTS = {
  'cell-load': { source: cellLoadWindowSchema, key: 'cellId' },
  rollups: { source: rollupWindowSchema, key: 'scopeId' },
  alerts: { source: alertEventSchema, key: 'fingerprint' },
  telemetry: { source: telemetryReportSchema, key: 'siteId' },
} as const;

export type ShareProduct = keyof typeof SHARE_PRODUCTS;
export const SHARE_PRODUCT_NAMES = Object.keys(SHARE_PRODUCTS) as [ShareProduct, ...ShareProduct[]];

/**
 * Fields no partner receives, whatever its grant: trace context (it leads into operators' own systems)
 * and the ingest key that wrote a report. Site coordinates are in no product: they stay in the
 * registry, which partners never read.
 */
export const ALWAYS_REDACTED: Readonly<Record<ShareProduct, readonly string[]>> = {
  'cell-load': ['sourceTraceIds'],
  rollups: [],
  alerts: ['trace'],
  telemetry: ['keyId'],
};

/** The fields of a product a grant may redact besides: every top-level field but the envelope, the key and those always redacted. */
export function redactableFields(product: ShareProduct): string[] {
  const { source, key } = SHARE_PRODUCTS[product];
  const kept = new Set(['schema', 'id', key, ...ALWAYS_REDACTED[product]]);
  return Object.keys((source.unwrap() as z.AnyZodObject).shape).filter((field) => !kept.has(field));
}

/** The topic address with its parameters, as the AsyncAPI document names it. */
export const SHARE_TOPIC_ADDRESS = 'airan.share.{partnerId}.{product}.v1';

/** Every topic of one partner starts with this (the dot ends the id: `etri` never matches `etri2`'s topics); its ACLs are on it. */
export function shareTopicPrefix(partnerId: string): string {
  return `airan.share.${partnerId}.`;
}

export function shareTopicName(partnerId: string, product: ShareProduct): string {
  return `${shareTopicPrefix(partnerId)}${product}.v1`;
}

/** A partner's consumer groups start with its id and a dot: the only groups its ACLs let it use. */
export function partnerGroupPrefix(partnerId: string): string {
  return `${partnerId}.`;
}

/** What a partner receives of product P: its envelope always, any other field only if the grant keeps it. */
export function sharedViewSchema(product: ShareProduct): z.AnyZodObject {
  const source: z.AnyZodObject = SHARE_PRODUCTS[product].source.unwrap();
  return source.partial().required({ schema: true, id: true }).strict();
}
