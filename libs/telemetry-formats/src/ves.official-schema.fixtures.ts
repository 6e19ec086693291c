// Test oracle shared by ves.official-schema.spec.ts and ves.schema-mutations.spec.ts: the official VES 7.2.1
// schema (vendored in test/fixtures/ves/) compiled with Ajv, airan's verdict on the same body, the
// allow-list of deliberate differences, and a generator of schema-valid values. Not part of the library:
// index.ts does not export it.
import Ajv, { type ErrorObject } from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Prng } from '@airan/demo-fleet';
import { FormatError, type FormatErrorCode } from './format-error';
import type { RecordErrorCode } from './record-error';
import { bounds, END_US, type Json } from './ves.fixtures';
import { parseVesEvents } from './ves.parser';

export const SCHEMA_FILE = join(__dirname, '../../../test/fixtures/ves/CommonEventFormat_30.2.1_ONAP.json');
export const SCHEMA_SHA256 = 'b9a6221e38b61a5050d564a9a01013e5eb3472136a5e1c917acfea6604141d62';
export const SCHEMA_TEXT = readFileSync(SCHEMA_FILE, 'utf8');
export const OFFICIAL = JSON.parse(SCHEMA_TEXT) as Json & { definitions: Record<string, Json> };

/**
 * The keywords the schema may use for it to be compiled as draft-07: all mean the same in draft-04
 * (none of draft-04's `id`, boolean `exclusiveMinimum`/`exclusiveMaximum`, nor `$ref` siblings).
 */
export const DRAFT04_SAFE_KEYWORDS = ['$schema', '$ref', 'title', 'description', 'default', 'type', 'enum', 'format', 'properties', 'additionalProperties', 'required', 'items', 'oneOf', 'definitions'];

/**
 * Ajv 8 ships no draft-04 meta-schema (that is the `ajv-draft-04` package, not installed), so the schema
 * is compiled as draft-07 (same keywords, see above) in strict mode. The three formats (`ipv4`, `ipv6`,
 * `uri`) are only in pnfRegistration and stndDefined blocks, which airan refuses: declared, not checked.
 */
export const validateOfficial = new Ajv({ strict: true, allErrors: true, formats: { ipv4: true, ipv6: true, uri: true } }).compile({
  ...OFFICIAL,
  $schema: 'http://json-schema.org/draft-07/schema#',
});

/** A reason airan refused an event: a field error, the value at its path, and the whole-request code when the request failed. */
export interface Refusal {
  readonly code: RecordErrorCode;
  readonly path: string;
  readonly value?: unknown;
  readonly request?: FormatErrorCode;
}

/** The value at a parser error path (`$.eventList[0].measurementFields.additionalMeasurements[1].hashMap['RRU.PrbTotDl']`). */
export function valueAt(body: unknown, path: string): unknown {
  let node = body;
  for (const [, name, index, quoted] of path.matchAll(/\.([A-Za-z_$][\w$]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]/g)) {
    const step = name ?? (index !== undefined ? Number(index) : quoted.replace(/\\(.)/g, '$1'));
    node = typeof node === 'object' && node !== null ? (node as Record<string | number, unknown>)[step] : undefined;
  }
  return node;
}

/** Both verdicts on one event of a body. */
export interface EventVerdicts {
  readonly schemaErrors: ErrorObject[];
  /** undefined: airan accepted it. */
  readonly refusals?: Refusal[];
}

/** The schema's and airan's verdict on each event of a body (`batch`: posted to /eventListener/v7/eventBatch). */
export function verdicts(input: unknown, batch: boolean): EventVerdicts[] {
  const body = JSON.parse(JSON.stringify(input)) as unknown; // as received: JSON only
  const list = (body as Json | null)?.eventList;
  const count = batch && Array.isArray(list) && list.length > 0 ? list.length : 1;
  validateOfficial(body);
  const errors = validateOfficial.errors ?? [];
  // An error under /event (single) or /eventList/i (batch) is that event's; any other is the body's, so every event's.
  const eventOf = (e: ErrorObject): number | 'body' => {
    const match = (batch ? /^\/eventList\/(\d+)(\/|$)/ : /^\/event(\/|$)/).exec(e.instancePath);
    return match ? (batch ? Number(match[1]) : 0) : 'body';
  };
  const schemaErrors = (i: number) => errors.filter((e) => eventOf(e) === 'body' || eventOf(e) === i);
  let refusalsOf: (i: number) => Refusal[] | undefined;
  try {
    const result = parseVesEvents(body, bounds, { batch });
    refusalsOf = (i) => result.rejected.find((r) => r.index === i)?.errors.map(({ code, path }) => ({ code, path, value: valueAt(body, path) }));
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
    const refusals = error.errors.map(({ code, path }) => ({ code, path, value: valueAt(body, path), request: error.code }));
    refusalsOf = () => refusals;
  }
  return Array.from({ length: count }, (_, i) => ({ schemaErrors: schemaErrors(i), refusals: refusalsOf(i) }));
}

/**
 * A deliberate difference (docs/telemetry-mapping.md, section 4, "Deliberate differences from the VES
 * schema"): `refuses` = the schema allows it and airan refuses it (`explains` matches airan's refusals),
 * `accepts` = the reverse (`explains` matches the schema's errors).
 */
export type Difference =
  | { readonly name: string; readonly airan: 'refuses'; readonly explains: (r: Refusal) => boolean }
  | { readonly name: string; readonly airan: 'accepts'; readonly explains: (e: ErrorObject) => boolean };

const EVENT = String.raw`^\$\.(?:event|eventList\[\d+\])`;
const path = (pattern: string) => new RegExp(EVENT + pattern);
const CHECKED_BLOCKS = ['measurementFields', 'heartbeatFields', 'faultFields'];
/** The identifier rules of docs/telemetry-mapping.md §1 and §4, written out here so the allow-list does not take them from the code it checks. */
const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const GPU_ENTRY = /^gpu:[A-Za-z0-9][A-Za-z0-9._:-]{0,127}\/[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
const badId = (v: unknown) => typeof v === 'string' && !ID.test(v);
const badEntryName = (v: unknown) => typeof v === 'string' && !(v.startsWith('gpu:') ? GPU_ENTRY : ID).test(v);
const outsideWindow = (v: unknown) => typeof v === 'number' && (Math.floor(v / 1000) > bounds.now + bounds.maxFutureMs || Math.floor(v / 1000) < bounds.now - bounds.maxAgeMs);
/** 1 ms … 24 h once rounded to whole ms, as docs/telemetry-mapping.md §4 states it. */
const intervalInRange = (seconds: number) => Math.round(seconds * 1000) >= 1 && Math.round(seconds * 1000) <= 86_400_000;

/** The allow-list: every disagreement between the schema and airan must be one of these, by name. */
export const DIFFERENCES: readonly Difference[] = [
  { name: 'body-envelope', airan: 'refuses', explains: (r) => r.request === 'MALFORMED_BODY' && (r.code === 'UNKNOWN_FIELD' || r.code === 'MISSING_FIELD') && /^\$(\.\w+|\['.*'\])$/.test(r.path) },
  { name: 'empty-batch', airan: 'refuses', explains: (r) => r.request === 'MALFORMED_BODY' && r.code === 'OUT_OF_RANGE' && r.path === '$.eventList' && Array.isArray(r.value) && r.value.length === 0 },
  { name: 'unsupported-domain', airan: 'refuses', explains: (r) => r.request === 'UNSUPPORTED_DOMAIN' && !['measurement', 'heartbeat', 'fault'].includes(r.value as string) },
  { name: 'mixed-domains', airan: 'refuses', explains: (r) => r.request === 'MIXED_DOMAINS' },
  { name: 'own-block-required', airan: 'refuses', explains: (r) => r.code === 'MISSING_FIELD' && path(String.raw`\.(measurementFields|faultFields)$`).test(r.path) },
  {
    name: 'unchecked-blocks',
    airan: 'refuses',
    explains: (r) => r.code === 'UNKNOWN_FIELD' && path(String.raw`\.\w+Fields$`).test(r.path) && !CHECKED_BLOCKS.some((b) => r.path.endsWith(`.${b}`)),
  },
  {
    name: 'identifiers',
    airan: 'refuses',
    explains: (r) =>
      r.code === 'INVALID_VALUE' &&
      ((path(String.raw`\.(commonEventHeader\.sourceName|\w+\.(additionalFields|alarmAdditionalInformation)\.siteId)$`).test(r.path) && badId(r.value)) ||
        (path(String.raw`\.measurementFields\.additionalMeasurements\[\d+\]\.name$`).test(r.path) && badEntryName(r.value))),
  },
  {
    name: 'event-time',
    airan: 'refuses',
    explains: (r) =>
      (r.code === 'TIMESTAMP_OUT_OF_RANGE' && path(String.raw`\.commonEventHeader\.lastEpochMicrosec$`).test(r.path) && outsideWindow(r.value)) ||
      (r.code === 'INVALID_TIMESTAMP' && path(String.raw`\.commonEventHeader\.(last|start)EpochMicrosec$`).test(r.path) && (r.value as number) < 0),
  },
  {
    name: 'measurement-interval',
    airan: 'refuses',
    explains: (r) => r.code === 'OUT_OF_RANGE' && path(String.raw`\.measurementFields\.measurementInterval$`).test(r.path) && !intervalInRange(r.value as number),
  },
  {
    name: 'metric-values',
    airan: 'refuses',
    explains: (r) => ['INVALID_VALUE', 'SENTINEL_VALUE', 'OUT_OF_RANGE', 'WRONG_ENTITY', 'MISSING_FIELD'].includes(r.code) && path(String.raw`\.measurementFields\.additionalMeasurements\[\d+\]\.hashMap(\.|\[)`).test(r.path),
  },
  { name: 'conflicting-values', airan: 'refuses', explains: (r) => r.code === 'CONFLICTING_VALUE' && path(String.raw`\.measurementFields\.(measurementInterval|additionalMeasurements\[\d+\]\.hashMap(\.|\[))`).test(r.path) },
];

/** How the two verdicts on one event compare: `agree`, the differences that explain a disagreement, or what does not. */
export type Comparison = { agree: true } | { agree: false; differences: string[] } | { agree: false; unexplained: string };

export function compare(v: EventVerdicts): Comparison {
  const schemaOk = v.schemaErrors.length === 0;
  const airanOk = v.refusals === undefined;
  if (schemaOk === airanOk) return { agree: true };
  const names = new Set<string>();
  const open: string[] = [];
  if (schemaOk) {
    for (const r of v.refusals ?? []) {
      const d = DIFFERENCES.find((x) => x.airan === 'refuses' && x.explains(r));
      if (d) names.add(d.name);
      else open.push(`airan refuses ${r.path} ${r.code}${r.request ? ` (${r.request})` : ''}`);
    }
  } else {
    for (const e of v.schemaErrors) {
      const d = DIFFERENCES.find((x) => x.airan === 'accepts' && x.explains(e));
      if (d) names.add(d.name);
      else open.push(`airan accepts ${e.instancePath || '/'} ${e.keyword} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
    }
  }
  return open.length > 0 ? { agree: false, unexplained: open.join('; ') } : { agree: false, differences: [...names] };
}

/** Strings that are valid airan identifiers, for generated values that are not enums. */
const WORDS = ['du-muc-01', 'ru-7', 'alpha', 'cell.9', 'node_3', 'x1'];
const FORMATS: Record<string, string> = { ipv4: '192.0.2.10', ipv6: '2001:db8::10', uri: 'https://example.org/schema.yaml' };

/**
 * A value valid for a definition of the official schema, seeded: `optional` is the chance of each
 * optional property (none beyond `depth` 4, the schema is recursive), arrays hold 1 or 2 items.
 */
export function generate(node: Json, rng: Prng, optional: number, depth = 0): unknown {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(rng() * values.length)];
  if (typeof node.$ref === 'string') return generate(OFFICIAL.definitions[node.$ref.replace('#/definitions/', '')], rng, optional, depth);
  if (Array.isArray(node.oneOf)) return generate(node.oneOf[0] as Json, rng, optional, depth);
  if (Array.isArray(node.enum)) return pick(node.enum);
  switch (node.type) {
    case 'string':
      return typeof node.format === 'string' ? FORMATS[node.format] : pick(WORDS);
    case 'number':
      return Math.round(rng() * 100_000) / 100;
    case 'integer':
      return Math.floor(rng() * 1000);
    case 'array':
      return Array.from({ length: 1 + Math.floor(rng() * 2) }, () => generate(node.items as Json, rng, optional, depth + 1));
    case 'object': {
      const properties = (node.properties ?? {}) as Record<string, Json>;
      const required = (node.required ?? []) as string[];
      const out: Json = {};
      for (const [k, p] of Object.entries(properties)) if (required.includes(k) || (depth < 4 && rng() < optional)) out[k] = generate(p, rng, optional, depth + 1);
      if (typeof node.additionalProperties === 'object') out[pick(WORDS)] = generate(node.additionalProperties as Json, rng, optional, depth + 1);
      return out;
    }
    default:
      throw new Error(`no generator for ${JSON.stringify(node).slice(0, 80)}`);
  }
}

export const definition = (name: string): Json => ({ $ref: `#/definitions/${name}` });

/** A generated event of a domain: header and the domain's block from the schema, times inside ingest's window. */
export function generatedEvent(domain: 'measurement' | 'heartbeat' | 'fault', rng: Prng, optional: number): Json {
  const header = { ...(generate(definition('commonEventHeader'), rng, optional) as Json), domain, lastEpochMicrosec: END_US, startEpochMicrosec: END_US - 900_000_000 };
  return { commonEventHeader: header, [`${domain}Fields`]: generate(definition(`${domain}Fields`), rng, optional) };
}
