import { zodToJsonSchema } from 'zod-to-json-schema';
import { REGISTRY_BODY_SCHEMAS, WRITABLE_REGISTRY_TYPES } from '../registry/registry.schemas';

// zod-to-json-schema types its argument against zod's v3 entry point; the schemas are the same objects.
type ZodSchemaArg = Parameters<typeof zodToJsonSchema>[0];

const bearer = [{ bearer: [] }];
const errorBody = {
  description: 'error',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};
const errors = (...codes: number[]) => Object.fromEntries(codes.map((code) => [String(code), errorBody]));
const json = (schema: object) => ({ content: { 'application/json': { schema } } });

/**
 * The api's OpenAPI 3.1 document, generated from the same zod schemas that validate requests, so the
 * documentation cannot drift from the validation.
 */
export function buildOpenApiDocument(): object {
  const entitySchemas = Object.fromEntries(
    WRITABLE_REGISTRY_TYPES.map((type) => [`${pascal(type)}Body`, zodToJsonSchema(REGISTRY_BODY_SCHEMAS[type] as unknown as ZodSchemaArg, { target: 'openApi3', $refStrategy: 'none' })]),
  );
  const registryPaths = Object.fromEntries(
    WRITABLE_REGISTRY_TYPES.flatMap((type) => {
      const body = { $ref: `#/components/schemas/${pascal(type)}Body` };
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
              responses: { '200': { description: 'a page: { items, next }' }, ...errors(400, 401, 403) },
            },
          },
        ],
        [
          `/v1/registry/${type}/{id}`,
          {
            parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$' } }],
            get: { summary: `One ${type}`, security: bearer, responses: { '200': { description: 'the entity with its version' }, ...errors(401, 403, 404) } },
            put: {
              summary: `Create or replace a ${type} (admin); published on airan.registry.v1`,
              security: bearer,
              requestBody: { required: true, ...json(body) },
              responses: { '200': { description: 'stored, with its new version' }, ...errors(400, 401, 403, 422) },
            },
            delete: { summary: `Delete a ${type} (admin); refused while referenced`, security: bearer, responses: { '204': { description: 'deleted; a tombstone is published' }, ...errors(401, 403, 404, 409) } },
          },
        ],
      ];
    }),
  );
  return {
    openapi: '3.1.0',
    info: { title: 'airan api', version: '1', description: 'Pilot registry, key administration and ops alerts of the airan AI-RAN platform.' },
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
          parameters: ['status', 'operator', 'site', 'cell', 'limit'].map((name) => ({ name, in: 'query', schema: { type: name === 'limit' ? 'integer' : 'string' } })),
          responses: { '200': { description: '{ alerts }' }, ...errors(400, 401, 403) },
        },
      },
    },
  };
}

const pascal = (type: string) => type.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
