import { type JsonSchema, jsonSchemaOf } from '@airan/contracts';
import { z } from 'zod';
import type { DocumentedSchema, ErrorSpec, HttpMethod, QuerySchema, ResponseSpec, RouteSpec } from './route.declaration';

/** One operation of the document: where it is and what it says. */
export interface DocumentedOperation {
  readonly path: string;
  readonly method: Lowercase<HttpMethod>;
  readonly operation: Record<string, unknown>;
}

const toSchema = (schema: DocumentedSchema): JsonSchema => (schema instanceof z.ZodType ? jsonSchemaOf(schema) : schema);

/**
 * The document's operations for one route: one, or one per value of its variant parameter (each value
 * its own path, so each gets its own body and answers).
 */
export function operationsOf(tag: string, name: string, spec: RouteSpec): DocumentedOperation[] {
  if (!spec.variants) return [operationOf(`${tag}.${name}`, tag, spec)];
  const { param, values } = spec.variants;
  return Object.entries(values).map(([value, variant]) =>
    operationOf(`${tag}.${name}.${value}`, tag, {
      ...spec,
      path: spec.path.replace(`{${param}}`, value),
      params: spec.params?.omit({ [param]: true }),
      summary: variant.summary,
      description: variant.description ?? spec.description,
      query: variant.query ?? spec.query,
      body: variant.body ?? spec.body,
      responses: { ...spec.responses, ...variant.responses },
    }),
  );
}

function operationOf(operationId: string, tag: string, spec: RouteSpec): DocumentedOperation {
  const roles = spec.access === 'public' ? undefined : spec.access;
  const parameters = [...parametersOf(spec.params, 'path'), ...parametersOf(spec.query, 'query')];
  return {
    path: spec.path,
    method: spec.method.toLowerCase() as Lowercase<HttpMethod>,
    operation: {
      operationId,
      tags: [tag],
      summary: spec.summary,
      description: [spec.description, roles ? `Roles: ${roles.join(', ')}.` : 'Public: no key needed.'].filter(Boolean).join('\n\n'),
      security: roles ? [{ bearer: [] }] : [],
      ...(roles ? { 'x-airan-roles': roles } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...requestBodyOf(spec),
      responses: { ...successesOf(spec.responses), ...errorsOf(spec) },
    },
  };
}

/** Path or query parameters, one per field of the part's schema (a field with a default is optional). */
function parametersOf(schema: QuerySchema | undefined, where: 'path' | 'query'): object[] {
  const object = schema instanceof z.ZodEffects ? schema.innerType() : schema;
  return Object.entries((object?.shape ?? {}) as z.ZodRawShape).map(([name, field]) => ({
    name,
    in: where,
    required: where === 'path' || !field.isOptional(),
    ...(field.description ? { description: field.description } : {}),
    // `required` says a parameter may be absent: its schema is the value's (zod's optional would be an anyOf).
    schema: jsonSchemaOf(field instanceof z.ZodOptional ? field.unwrap() : field),
  }));
}

function requestBodyOf(spec: RouteSpec): object {
  if (spec.body) return { requestBody: { required: !spec.body.isOptional(), content: { 'application/json': { schema: jsonSchemaOf(spec.body) } } } };
  const passed = spec.passedBody;
  if (!passed) return {};
  const content = Object.fromEntries(passed.mediaTypes.map((type) => [type, passed.schema ? { schema: toSchema(passed.schema) } : {}]));
  return { requestBody: { required: passed.required, ...(passed.description ? { description: passed.description } : {}), content } };
}

function successesOf(responses: Readonly<Record<number, ResponseSpec>>): Record<string, object> {
  return Object.fromEntries(
    Object.entries(responses).map(([status, { description, schema, mediaType }]) => [
      status,
      { description, ...(schema ? { content: { [mediaType ?? 'application/json']: { schema: toSchema(schema) } } } : {}) },
    ]),
  );
}

/**
 * Every error answer, grouped by status: the route's own, plus those the route's shape implies (a 400
 * per validated part, including the query, which a route without query parameters refuses; 413 and 415
 * for a body; 401 and 403 unless public). Each names its codes in `x-airan-codes`.
 */
function errorsOf(spec: RouteSpec): Record<string, object> {
  const implied: ErrorSpec[] = [
    ...(spec.params ? [{ status: 400, code: 'INVALID_PATH_PARAMETER', description: 'INVALID_PATH_PARAMETER: details name each `path.<name>` and why' }] : []),
    { status: 400, code: 'INVALID_QUERY', description: 'INVALID_QUERY: details name each `query.<name>` and why' },
    ...(spec.body ? [{ status: 400, code: 'INVALID_BODY', description: 'INVALID_BODY: details name each `body.<field>` and why' }] : []),
    ...(spec.body || spec.passedBody
      ? [
          { status: 413, code: 'PAYLOAD_TOO_LARGE', description: 'the body, once decoded, passes the limit' },
          { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', description: 'UNSUPPORTED_MEDIA_TYPE: `accepted` names the media types the route takes' },
        ]
      : []),
    ...(spec.access === 'public'
      ? []
      : [
          { status: 401, code: 'MISSING_CREDENTIALS', description: 'no `Authorization: Bearer <api key>`' },
          { status: 401, code: 'INVALID_CREDENTIALS', description: 'the key is unknown or revoked' },
          { status: 403, code: 'FORBIDDEN', description: "the key's role may not call this route" },
        ]),
  ];
  const byStatus = new Map<number, ErrorSpec[]>();
  for (const error of [...implied, ...spec.errors]) byStatus.set(error.status, [...(byStatus.get(error.status) ?? []), error]);
  return Object.fromEntries(
    [...byStatus].map(([status, errors]) => [
      String(status),
      {
        description: errors.map((e) => e.description ?? e.code).join('; '),
        'x-airan-codes': [...new Set(errors.map((e) => e.code))],
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    ]),
  );
}
