import { stringify as toYaml } from 'yaml';
import type { ApiCase, Expectation } from './api-fuzz.fixture';
import type { JsonSchema, Operation } from './api-fuzz.openapi';
import { type Random, breaksNumber, breaksString, brokenText, pick } from './api-fuzz.values';
import { JUNK_VALUES, type Json, type Path, RAW_MARKER, UNKNOWN_KEYS, jsonType, nodes, parses, stringifyRaw, withValue } from './ingest-fuzz.fixture';

/** The api's body limit (docs/api.md: 1 MiB once decoded). */
const MAX_BODY_BYTES = 1024 * 1024;

/** A route's body as the fuzzing breaks it: a valid template, what the document says of it, and how the route refuses it. */
export interface BodyTarget {
  readonly operation: Operation;
  /** The operation's path, its parameters valid. */
  readonly url: string;
  readonly format: 'json' | 'yaml';
  /** A valid body: accepted as it is. */
  readonly template: Json;
  /** The body's documented schema (of a YAML body: of the document its text holds). */
  readonly schema: JsonSchema;
  /** The code of a body that breaks the schema, and the root of the field errors naming where. */
  readonly invalidCode: string;
  readonly detailRoot: 'body' | '$';
}

/**
 * A body target from its documented operation. A body the api validates itself is refused with 400
 * INVALID_BODY naming `body.<field>`; one it passes to alerting, with alerting's own code (the
 * operation's documented 422 INVALID_…) naming `$.<field>`.
 */
export function bodyTarget(operation: Operation, url: string, template: Json, schema?: JsonSchema): BodyTarget {
  const validatedHere = operation.errorCodes[400]?.includes('INVALID_BODY') ?? false;
  const invalidCode = validatedHere ? 'INVALID_BODY' : operation.errorCodes[422]?.find((code) => code.startsWith('INVALID_'));
  if (!invalidCode) throw new Error(`${operation.method} ${operation.path} documents no code for an invalid body`);
  const yaml = operation.requestBody?.content['application/yaml'] !== undefined;
  return { operation, url, format: yaml ? 'yaml' : 'json', template, schema: schema ?? operation.requestBody!.content['application/json'], invalidCode, detailRoot: validatedHere ? 'body' : '$' };
}

/**
 * The schema of the value at `path` of `doc` (an `anyOf` as it stands: it says which types the value may
 * take), and the branch of it the value is read by (what it says of the value's own type); undefined
 * where the schema says nothing one can rely on.
 */
function schemaAt(root: JsonSchema, doc: Json, path: Path): { schema: JsonSchema; branch?: JsonSchema } | undefined {
  let schema: JsonSchema | undefined = root;
  let value = doc;
  for (const step of path) {
    const branch = branchFor(schema, value);
    schema = typeof step === 'number' ? branch?.items : (branch?.properties?.[step] ?? (typeof branch?.additionalProperties === 'object' ? branch.additionalProperties : undefined));
    if (!schema) return undefined;
    value = (value as Record<string | number, Json>)[step];
  }
  return { schema, branch: branchFor(schema, value) };
}

/** The one branch of an `anyOf` a value's JSON type can be read by; undefined when several could. */
function branchFor(schema: JsonSchema, value: Json): JsonSchema | undefined {
  if (!schema.anyOf) return schema;
  const fitting = schema.anyOf.filter((branch) => typesOf(branch)?.includes(jsonType(value)));
  return fitting.length === 1 ? fitting[0] : undefined;
}

/** The JSON types a schema takes (integer as number), or undefined when it takes any. */
function typesOf(schema: JsonSchema): string[] | undefined {
  if (schema.anyOf) {
    const each = schema.anyOf.map(typesOf);
    return each.some((t) => t === undefined) ? undefined : [...new Set(each.flat() as string[])];
  }
  if (schema.type === undefined) return undefined;
  return [schema.type].flat().map((t) => (t === 'integer' ? 'number' : t));
}

/** `$.all[0].threshold`, `body.latitude`. */
const fieldPath = (root: string, path: Path) => root + path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');

/** A copy of `doc` without `key` in the object at `path`. */
function withoutKey(doc: Json, path: Path, key: string): Json {
  const copy = structuredClone(doc);
  const parent = path.reduce((node, step) => (node as Record<string | number, Json>)[step], copy) as Record<string, Json>;
  delete parent[key];
  return copy;
}

/** A document broken at one field, and the text that stands for RAW_MARKER in it (JSON only). */
interface Broken {
  readonly label: string;
  readonly doc: Json;
  readonly path: Path;
  readonly raw?: string;
}

/** Every field of the template with its schema and the branch of it the value is read by, where the schema says anything. */
function fieldsOf(target: BodyTarget): Array<{ path: Path; value: Json; schema: JsonSchema; branch?: JsonSchema }> {
  return nodes(target.template).flatMap(({ path, value }) => {
    const at = schemaAt(target.schema, target.template, path);
    return at ? [{ path, value, ...at }] : [];
  });
}

/** Every field of the template with the one branch of its schema that reads it. */
function branchesOf(target: BodyTarget): Array<{ path: Path; value: Json; schema: JsonSchema }> {
  return fieldsOf(target).flatMap(({ path, value, branch }) => (branch ? [{ path, value, schema: branch }] : []));
}

/** A field, the root included, given a value of a JSON type its schema does not take. */
function wrongType(target: BodyTarget, random: Random): Broken {
  const typed = fieldsOf(target).filter((f) => typesOf(f.schema) !== undefined);
  const { path, schema } = pick(random, typed);
  const value = pick(random, JUNK_VALUES.filter((junk) => !typesOf(schema)!.includes(jsonType(junk))));
  return { label: `${jsonType(value)} for ${typesOf(schema)!.join(' or ')}`, doc: withValue(target.template, path, value), path };
}

/** A required field the template has, left out. */
function missingRequired(target: BodyTarget, random: Random): Broken | undefined {
  const candidates = branchesOf(target).flatMap(({ path, value, schema }) =>
    jsonType(value) === 'object' ? (schema.required ?? []).filter((key) => Object.hasOwn(value as object, key)).map((key) => ({ path, key })) : [],
  );
  if (candidates.length === 0) return undefined;
  const { path, key } = pick(random, candidates);
  return { label: 'required field missing', doc: withoutKey(target.template, path, key), path: [...path, key] };
}

/** Keys that break a `propertyNames` pattern of letters, digits and `_`. */
const BAD_PROPERTY_NAMES = ['bad key', '9lives', 'ünïcødé', 'a-b', 'a.b'];

/**
 * A key an object does not take: any unknown key where unknown keys are refused, or one breaking the
 * key pattern of a map. The empty key is left out: alerting names a rule's fields without the `$.`,
 * so a root key '' and the root itself would read the same.
 */
function unknownField(target: BodyTarget, random: Random): Broken | undefined {
  const candidates = branchesOf(target).flatMap(({ path, value, schema }) => {
    if (jsonType(value) !== 'object') return [];
    if (schema.additionalProperties === false) return UNKNOWN_KEYS.filter((key) => key !== '' && !schema.properties?.[key]).map((key) => ({ path, key, value: pick(random, JUNK_VALUES) }));
    const pattern = schema.propertyNames?.pattern;
    return pattern ? BAD_PROPERTY_NAMES.filter((key) => !new RegExp(pattern, 'u').test(key)).map((key) => ({ path, key, value: 'x' as Json })) : [];
  });
  if (candidates.length === 0) return undefined;
  const { path, key, value } = pick(random, candidates);
  return { label: 'unknown field', doc: withValue(target.template, path, value, key), path: [...path, key] };
}

/** A number out of its range or not whole where it must be, beyond float64 where a bound says so; an array too short or too long. */
function outOfRange(target: BodyTarget, random: Random): Broken | undefined {
  const candidates = branchesOf(target).flatMap(({ path, value, schema }): Broken[] => {
    if (typeof value === 'number') {
      const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = schema;
      const numbers = [maximum, minimum, exclusiveMinimum, exclusiveMaximum].flatMap((b) => (b === undefined ? [] : [b - 1, b + 1, b + 0.5, b * 1000])).concat(schema.type === 'integer' ? [value + 0.5, 1e21] : []);
      const raws = [...(maximum !== undefined || schema.type === 'integer' ? ['1e400'] : []), ...(minimum !== undefined || schema.type === 'integer' ? ['-1e400'] : [])];
      return [
        ...numbers.filter((n) => Number.isFinite(n) && breaksNumber(schema, n)).map((n) => ({ label: `number ${n}`, doc: withValue(target.template, path, n), path })),
        ...raws.map((raw) => ({ label: `number ${raw}`, doc: withValue(target.template, path, RAW_MARKER), path, raw })),
      ];
    }
    if (!Array.isArray(value)) return [];
    return [
      ...(schema.minItems !== undefined && schema.minItems > 0 ? [{ label: 'too few items', doc: withValue(target.template, path, []), path }] : []),
      ...(schema.maxItems !== undefined && value.length > 0 ? [{ label: 'too many items', doc: withValue(target.template, path, Array.from({ length: schema.maxItems + 1 }, () => value[0])), path }] : []),
    ];
  });
  return candidates.length === 0 ? undefined : pick(random, candidates);
}

/** A string off its enum, pattern or format, too long or empty where it may not be. */
function badString(target: BodyTarget, random: Random): Broken | undefined {
  const constrained = branchesOf(target).filter(({ value, schema }) => typeof value === 'string' && (schema.enum || schema.pattern || schema.format || schema.maxLength !== undefined || (schema.minLength ?? 0) > 0));
  if (constrained.length === 0) return undefined;
  const { path, schema } = pick(random, constrained);
  return { label: 'string off its schema', doc: withValue(target.template, path, brokenText(random, schema, (v) => breaksString(schema, v))), path };
}

/** Arrays nested in a field that takes no array: shallow, or (JSON) deeper than the api reads (64 levels) or JSON.stringify writes. */
function nested(target: BodyTarget, random: Random): { broken: Broken; deep: boolean } {
  const noArrays = fieldsOf(target).filter(({ schema }) => typesOf(schema) !== undefined && !typesOf(schema)!.includes('array'));
  const deep = target.format === 'json' && random() < 0.5;
  const depth = deep ? pick(random, [65, 200, 4096, 12_000]) : 2 + Math.floor(random() * 10);
  const { path } = deep ? pick(random, nodes(target.template)) : pick(random, noArrays);
  return { broken: { label: `nesting ${depth}`, doc: withValue(target.template, path, RAW_MARKER), path, raw: '['.repeat(depth) + ']'.repeat(depth) }, deep };
}

/** The body as text: JSON, with RAW_MARKER replaced; or YAML, where raw numbers and nesting are written as YAML reads them. */
function serialize(target: BodyTarget, { doc, raw }: Broken): string {
  if (target.format === 'json') return raw === undefined ? JSON.stringify(doc) : stringifyRaw(doc, raw);
  if (raw === undefined) return toYaml(doc);
  // `.inf` and flow sequences: YAML's own notation for what JSON writes raw.
  const yamlRaw = raw === '1e400' ? '.inf' : raw === '-1e400' ? '-.inf' : raw;
  return toYaml(doc).replace(toYaml(RAW_MARKER).trim(), yamlRaw);
}

/** Each in turn, so that every variant of an enumerated breakage is sent, whatever the seed. */
const inTurn = <T>(round: number, list: readonly T[]): T => list[round % list.length];

/** JSON that does not parse, or that fastify's parser refuses (prototype poisoning). */
function malformedJson(target: BodyTarget, random: Random, round: number): { text: string | Uint8Array; parsable: boolean } {
  const valid = JSON.stringify(target.template);
  switch (inTurn(round, ['truncated', 'bytes', 'poison', 'garbage'] as const)) {
    case 'truncated':
      for (;;) {
        const text = valid.slice(0, 1 + Math.floor(random() * (valid.length - 2))) + pick(random, ['', '}', ']', ',', '"', '\u0000', '{"']);
        if (!parses(text)) return { text, parsable: false };
      }
    case 'bytes':
      // Random bytes may happen to be a JSON scalar: refused then as a body of the wrong type.
      return { text: Uint8Array.from({ length: 1 + Math.floor(random() * 200) }, () => Math.floor(random() * 256)), parsable: true };
    case 'poison':
      return { text: valid.replace(/^\{/, pick(random, ['{"__proto__":{"polluted":true},', '{"constructor":{"prototype":{"polluted":true}},'])), parsable: false };
    default: {
      const text = pick(random, [`${valid},`, `${valid}${valid}`, valid.replace(/"/g, "'"), valid.replace(/}$/, ',}'), valid.replace(/:/, ':NaN,"x":'), `${valid} // comment`]);
      if (parses(text)) throw new Error(`meant to be malformed JSON: ${text}`);
      return { text, parsable: false };
    }
  }
}

/** YAML that does not read as one document of plain data: syntax errors, duplicate keys, several documents, aliases to nothing or to a billion things. */
function malformedYaml(yaml: string, round: number): string {
  const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefg'.split('').map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefg'[i]}`).join(', ')}]`), 'rules: [*g]'].join('\n');
  return inTurn(round, [
    `rules: [\n${yaml}`,
    yaml.replace(/\n {2}/g, '\n\t'),
    `${yaml}rules: []\n`,
    `${yaml}---\n${yaml}`,
    'rules: *nowhere\n',
    `${bomb}\n`,
    yaml.replace(/\n {4}/, '\n   '),
    `${yaml}  - id: "unclosed\n`,
    `rules: ${'{a: '.repeat(2000)}`,
  ]);
}

/** Types the api has a parser for (text, YAML, forms) and types it has none for: a JSON route takes none of them. */
const JSON_MEDIA_TYPES_REFUSED = ['text/plain', 'text/plain; charset=utf-8', 'application/yaml', 'application/x-www-form-urlencoded', 'application/xml', 'application/octet-stream', 'text/html', 'multipart/form-data; boundary=x', undefined];

/**
 * The target's body broken one way, chosen by `i`: a field of the wrong type, a required one missing,
 * an unknown one, a number or array out of range, a string off its schema, nesting, syntax, media type,
 * no body, too large. A breakage the template offers no field for falls back to the wrong type.
 */
export function brokenBody(target: BodyTarget, random: Random, i: number): ApiCase {
  const { operation, url } = target;
  const json = target.format === 'json';
  const mediaType = json ? 'application/json' : 'application/yaml';
  const send = (label: string, body: string | Uint8Array | undefined, expect: Expectation, contentType: string | undefined): ApiCase => ({ label, operation, url, body, contentType, expect });
  const fieldCase = (broken: Broken) => send(`${broken.label} at ${fieldPath('$', broken.path)}`, serialize(target, broken), { codes: [target.invalidCode], detail: fieldPath(target.detailRoot, broken.path) }, mediaType);
  const text = json ? JSON.stringify(target.template) : toYaml(target.template);
  const round = Math.floor(i / 10);
  switch (i % 10) {
    case 0:
      return fieldCase(wrongType(target, random));
    case 1:
      return fieldCase(missingRequired(target, random) ?? wrongType(target, random));
    case 2:
      return fieldCase(unknownField(target, random) ?? wrongType(target, random));
    case 3:
      return fieldCase(outOfRange(target, random) ?? badString(target, random) ?? wrongType(target, random));
    case 4:
      return fieldCase(badString(target, random) ?? wrongType(target, random));
    case 5: {
      const { broken, deep } = nested(target, random);
      return deep ? send(broken.label, serialize(target, broken), { codes: ['JSON_TOO_DEEP'] }, mediaType) : fieldCase(broken);
    }
    case 6: {
      if (!json) {
        const yaml = malformedYaml(text, round);
        return send('malformed YAML', yaml, { codes: [target.invalidCode], detail: '$' }, mediaType);
      }
      const { text: malformed, parsable } = malformedJson(target, random, round);
      return send('malformed JSON', malformed, { codes: parsable ? ['BAD_REQUEST', target.invalidCode] : ['BAD_REQUEST'] }, mediaType);
    }
    case 7: {
      if (!json) {
        // YAML is not JSON: the JSON parser refuses it before the route is reached. Nothing else is a YAML route's.
        if (parses(text)) throw new Error('the YAML template must not read as JSON');
        const contentType = inTurn(round, ['application/json', ...JSON_MEDIA_TYPES_REFUSED.filter((type) => type !== 'application/yaml')]);
        const codes = contentType === 'application/json' ? ['BAD_REQUEST'] : ['UNSUPPORTED_MEDIA_TYPE'];
        return send(`media type ${contentType ?? 'none'}`, contentType ? text : new TextEncoder().encode(text), { codes }, contentType);
      }
      const contentType = inTurn(round, JSON_MEDIA_TYPES_REFUSED);
      return send(`media type ${contentType ?? 'none'}`, contentType ? text : new TextEncoder().encode(text), { codes: ['UNSUPPORTED_MEDIA_TYPE'] }, contentType);
    }
    case 8: {
      // No body at all only where one is required (an optional body may be left out).
      if (operation.requestBody?.required && round % 4 === 0) return send('no body', undefined, { codes: [target.invalidCode] }, undefined);
      const empty = inTurn(round, json ? ['', ' ', '\n\t '] : ['', ' ', '\n', '# only a comment\n']);
      return send('empty body', empty, { codes: json ? ['BAD_REQUEST'] : [target.invalidCode] }, mediaType);
    }
    default: {
      const padding = 'x'.repeat(MAX_BODY_BYTES + Math.floor(random() * 1024));
      return send('too large', json ? JSON.stringify({ ...(target.template as Record<string, Json>), padding }) : `${text}# ${padding}\n`, { codes: ['PAYLOAD_TOO_LARGE'] }, mediaType);
    }
  }
}
