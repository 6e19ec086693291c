import { zodToJsonSchema } from 'zod-to-json-schema';
import { RULES_YAML_MEDIA_TYPES } from '../ops/public-rules.controller';
import { REGISTRY_BODY_SCHEMAS, WRITABLE_REGISTRY_TYPES, type WritableRegistryType, registryIdSchema } from '../registry/registry.schemas';

// zod-to-json-schema types its argument against zod's v3 entry point; the schemas are the same objects.
type ZodSchemaArg = Parameters<typeof zodToJsonSchema>[0];

const bearer = [{ bearer: [] }];
const errorBody = {
  description: 'error',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};
const errors = (...codes: number[]) => Object.fromEntries(codes.map((code) => [String(code), errorBody]));
const json = (schema: object) => ({ content: { 'application/json': { schema } } });
/** Answers of the endpoints forwarded to alerting: its own (relayed as they are) and those of the forwarding. */
const forwardedErrors = (...codes: number[]) => ({
  ...errors(...codes, 401, 403),
  '502': { ...errorBody, description: 'ALERTING_UNAVAILABLE: alerting could not be reached' },
  '503': { ...errorBody, description: 'ALERTING_NOT_CONFIGURED: this api has no ALERTING_OPS_TOKEN' },
  '504': { ...errorBody, description: 'ALERTING_TIMEOUT: alerting did not answer in time' },
});
const fingerprintParam = { name: 'fingerprint', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-f]{16}$' } };

/**
 * The api's OpenAPI 3.1 document, generated from the same zod schemas that validate requests, so the
 * documentation cannot drift from the validation.
 */
export function buildOpenApiDocument(): object {
  const entitySchemas = Object.fromEntries(WRITABLE_REGISTRY_TYPES.flatMap(registrySchemas));
  const registryPaths = Object.fromEntries(
    WRITABLE_REGISTRY_TYPES.flatMap((type) => {
      const schema = (suffix: string) => ({ $ref: `#/components/schemas/${pascal(type)}${suffix}` });
      return [
        [
          `/v1/registry/${type}`,
          {
            get: {
              summary: `List ${type} entities (ops, admin), ordered by id`,
              security: bearer,
              parameters: [
                { name: 'operator', in: 'query', schema: { type: 'string' } },
                { name: 'site', in: 'query', schema: { type: 'string' } },
                { name: 'after', in: 'query', description: 'id to continue after (the previous page\'s `next`)', schema: { type: 'string' } },
                { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
              ],
              responses: { '200': { description: 'a page of stored entities', ...json(schema('Page')) }, ...errors(400, 401, 403) },
            },
          },
        ],
        [
          `/v1/registry/${type}/{id}`,
          {
            parameters: [{ name: 'id', in: 'path', required: true, schema: toJsonSchema(registryIdSchema) }],
            get: { summary: `One ${type}`, security: bearer, responses: { '200': { description: 'the entity with its version', ...json(schema('Entry')) }, ...errors(401, 403, 404) } },
            put: {
              summary: `Create or replace a ${type} (admin); published on airan.registry.v1`,
              security: bearer,
              requestBody: { required: true, ...json(schema('Body')) },
              responses: { '200': { description: 'stored, with its new version', ...json(schema('Entry')) }, ...errors(400, 401, 403, 422) },
            },
            delete: { summary: `Delete a ${type} (admin); refused while referenced`, security: bearer, responses: { '204': { description: 'deleted; a tombstone is published' }, ...errors(401, 403, 404, 409) } },
          },
        ],
      ];
    }),
  );
  return {
    openapi: '3.1.0',
    info: { title: 'airan api', version: '1', description: 'Pilot registry, key administration, ops alerts (current state, history, live stream) and alerting operations (rules, silences, acknowledgements) of the airan AI-RAN platform.' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'an airan API key' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } } },
        },
        ...entitySchemas,
      },
    },
    paths: {
      ...registryPaths,
      '/v1/admin/keys': {
        post: {
          summary: 'Issue an API key (admin); the key is in the answer only',
          security: bearer,
          requestBody: { required: true, ...json({ type: 'object', required: ['role', 'subject', 'name'], properties: { role: { enum: ['admin', 'operator', 'ops', 'partner'] }, subject: { type: 'string' }, name: { type: 'string' } } }) },
          responses: { '201': { description: '{ id, key, role, subject }' }, ...errors(401, 403, 422) },
        },
      },
      '/v1/admin/keys/{id}': {
        delete: { summary: 'Revoke an API key (admin)', security: bearer, parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: { '204': { description: 'revoked' }, ...errors(401, 403, 404) } },
      },
      '/v1/alerts': {
        get: {
          summary: 'Current alerts (ops, admin), newest evidence first',
          security: bearer,
          parameters: [
            { name: 'status', in: 'query', schema: { enum: ['pending', 'firing', 'resolved', 'nodata'] } },
            ...['operator', 'site', 'cell', 'severity', 'alertname', 'assignee'].map((name) => ({ name, in: 'query', schema: { type: 'string' } })),
            ...['acknowledged', 'silenced'].map((name) => ({ name, in: 'query', schema: { enum: ['true', 'false'] } })),
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
          ],
          responses: { '200': { description: '{ alerts }' }, ...errors(400, 401, 403) },
        },
      },
      '/v1/alerts/stream': {
        get: {
          summary: 'Alert events as Server-Sent Events (ops, admin), as they are committed',
          description:
            'Each event is `id: <event id>`, `event: alert`, `data: <AlertEvent JSON>`; a heartbeat comment (every 15 s by default) keeps idle streams open. ' +
            'With Last-Event-ID (header, or `lastEventId`) the events recorded after that one come first. A client too far behind gets `event: overflow` and is disconnected: it resumes with Last-Event-ID.',
          security: bearer,
          parameters: [
            ...['operator', 'site', 'severity'].map((name) => ({ name, in: 'query', description: `only events whose ${name} label is this`, schema: { type: 'string' } })),
            { name: 'Last-Event-ID', in: 'header', schema: { type: 'string', format: 'uuid' } },
            { name: 'lastEventId', in: 'query', description: 'as the Last-Event-ID header, which wins', schema: { type: 'string', format: 'uuid' } },
          ],
          responses: { '200': { description: 'the stream', content: { 'text/event-stream': { schema: { type: 'string' } } } }, ...errors(400, 401, 403, 503) },
        },
      },
      '/v1/alerts/{fingerprint}/history': {
        get: {
          summary: "Every change of one alert (ops, admin), oldest first; the latest `limit` before `before`",
          security: bearer,
          parameters: [
            fingerprintParam,
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
            { name: 'before', in: 'query', description: "an event id: the previous page's `next`", schema: { type: 'string', format: 'uuid' } },
          ],
          responses: { '200': { description: '{ events, next }' }, ...errors(400, 401, 403, 404) },
        },
      },
      ...Object.fromEntries(
        (
          [
            ['ack', 'Acknowledge an alert', { type: 'object', properties: { comment: { type: 'string' } } }],
            ['unack', 'Withdraw the acknowledgement of an alert', undefined],
            ['assign', 'Assign an alert to someone (null: unassign)', { type: 'object', required: ['assignee'], properties: { assignee: { type: ['string', 'null'] } } }],
          ] as const
        ).map(([action, summary, body]) => [
          `/v1/alerts/{fingerprint}/${action}`,
          {
            post: {
              summary: `${summary} (ops, admin); the change appears on the stream as an alert event`,
              security: bearer,
              parameters: [fingerprintParam],
              ...(body ? { requestBody: { required: action === 'assign', ...json(body) } } : {}),
              responses: { '200': { description: 'the alert event announcing the change' }, ...forwardedErrors(400, 404, 409, 422) },
            },
          },
        ]),
      ),
      '/v1/rules': {
        get: { summary: 'Alert rules (ops, admin)', security: bearer, responses: { '200': { description: 'the rules' }, ...forwardedErrors() } },
      },
      '/v1/rules.yaml': {
        get: { summary: 'Every rule as one YAML document (ops, admin)', security: bearer, responses: { '200': { description: 'the rules', content: { 'text/yaml': { schema: { type: 'string' } } } }, ...forwardedErrors() } },
      },
      '/v1/rules/import': {
        post: {
          summary: 'Create or replace rules from a YAML document (ops, admin); with replace=true, rules not in it are deleted',
          security: bearer,
          parameters: [{ name: 'replace', in: 'query', schema: { enum: ['true', 'false'], default: 'false' } }],
          requestBody: { required: true, content: Object.fromEntries(RULES_YAML_MEDIA_TYPES.map((type) => [type, { schema: { type: 'string' } }])) },
          responses: { '200': { description: 'what was imported' }, ...forwardedErrors(400, 413, 415, 422) },
        },
      },
      '/v1/rules/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' } }],
        get: { summary: 'One alert rule (ops, admin)', security: bearer, responses: { '200': { description: 'the rule' }, ...forwardedErrors(400, 404) } },
        put: {
          summary: 'Create or replace an alert rule (ops, admin)',
          security: bearer,
          requestBody: { required: true, ...json({ type: 'object', description: 'an alert rule, validated by alerting (422 names every offending field)' }) },
          responses: { '200': { description: 'the stored rule' }, ...forwardedErrors(400, 422) },
        },
        delete: { summary: 'Delete an alert rule (ops, admin)', security: bearer, responses: { '204': { description: 'deleted' }, ...forwardedErrors(400, 404) } },
      },
      '/v1/silences': {
        get: { summary: 'Silences (ops, admin); query parameters go to alerting as they are', security: bearer, responses: { '200': { description: 'the silences' }, ...forwardedErrors(400) } },
        post: {
          summary: 'Create a silence (ops, admin); the caller is its creator',
          security: bearer,
          requestBody: { required: true, ...json({ type: 'object', description: 'matchers, startsAt, endsAt, comment, endsOnResolve; validated by alerting' }) },
          responses: { '201': { description: 'the silence' }, ...forwardedErrors(400, 422) },
        },
      },
      '/v1/silences/{id}': {
        delete: {
          summary: 'Expire a silence (ops, admin)',
          security: bearer,
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
          responses: { '204': { description: 'expired' }, ...forwardedErrors(400, 404) },
        },
      },
    },
  };
}

interface ObjectSchema {
  readonly properties: Record<string, object>;
  readonly required?: readonly string[];
}

/**
 * OpenAPI 3.1 schemas are JSON Schema, not 3.0's dialect (`exclusiveMinimum: true`, `nullable`), so the
 * JSON Schema target; each schema sits inside the document, which names the dialect, hence no `$schema`.
 */
function toJsonSchema(schema: unknown): object {
  const { $schema: _, ...rest } = zodToJsonSchema(schema as ZodSchemaArg, { target: 'jsonSchema7', $refStrategy: 'none' });
  return rest;
}

/**
 * The component schemas of one registry type, all derived from the body schema that validates writes:
 * `<Type>Body` (what PUT takes), `<Type>` (the body with the id the path names, as stored and published),
 * `<Type>Entry` (one stored entity as GET and PUT answer it) and `<Type>Page` (what a list answers).
 */
function registrySchemas(type: WritableRegistryType): Array<[string, object]> {
  const name = pascal(type);
  const body = toJsonSchema(REGISTRY_BODY_SCHEMAS[type]) as ObjectSchema;
  const ref = (schema: string) => ({ $ref: `#/components/schemas/${schema}` });
  return [
    [`${name}Body`, body],
    [name, { ...body, required: ['id', ...(body.required ?? [])], properties: { id: toJsonSchema(registryIdSchema), ...body.properties } }],
    [
      `${name}Entry`,
      {
        type: 'object',
        required: ['type', 'entity', 'version', 'updatedAt'],
        properties: {
          type: { type: 'string', enum: [type] },
          entity: ref(name),
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
          items: { type: 'array', items: ref(`${name}Entry`) },
          next: { type: ['string', 'null'], description: 'the `after` of the following page; null when this page is not full' },
        },
        additionalProperties: false,
      },
    ],
  ];
}

const pascal = (type: string) => type.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
