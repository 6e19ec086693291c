import { type JsonSchema, jsonSchemaOf } from '@airan/contracts';
import { z } from 'zod';
import { ALERTS_OPENAPI } from '../alerts/alerts.openapi';
import { EXPORTS_OPENAPI } from '../exports/exports.openapi';
import { GRANTS_OPENAPI } from '../grants/grants.openapi';
import { PARTNER_CREDENTIALS_OPENAPI } from '../partner-credentials/partner-credentials.openapi';
import { HISTORY_OPENAPI } from '../history/history.openapi';
import { INGEST_HEALTH_OPENAPI } from '../ingest-health/ingest-health.openapi';
import { KEYS_OPENAPI } from '../keys/keys.openapi';
import { OPS_OPENAPI } from '../ops/ops.openapi';
import { REGISTRY_OPENAPI } from '../registry/registry.openapi';
import { STREAMS_OPENAPI } from '../streams/streams.openapi';
import { operationsOf } from './openapi.operation';
import type { OpenApiFragment } from './route.declaration';

/** Every feature's fragment (`<feature>/<feature>.openapi.ts`): a new feature adds its own here. */
export const OPENAPI_FRAGMENTS: readonly OpenApiFragment[] = [ALERTS_OPENAPI, STREAMS_OPENAPI, HISTORY_OPENAPI, EXPORTS_OPENAPI, INGEST_HEALTH_OPENAPI, OPS_OPENAPI, REGISTRY_OPENAPI, GRANTS_OPENAPI, PARTNER_CREDENTIALS_OPENAPI, KEYS_OPENAPI];

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: "the feature's error code; each answer lists its codes in `x-airan-codes`" },
        message: { type: 'string' },
        details: { description: 'for validation failures, one `{ path, code, message }` per offending field' },
        accepted: { type: 'array', items: { type: 'string' }, description: 'on a 415: the media types or content codings the route takes' },
      },
    },
  },
};

/**
 * The api's OpenAPI 3.1 document, assembled from the features' fragments: the same route specs that
 * mount the routes and whose schemas validate their input, so the document cannot drift from the code.
 */
export function buildOpenApiDocument(fragments: readonly OpenApiFragment[] = OPENAPI_FRAGMENTS): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Record<string, JsonSchema> = { Error: ERROR_SCHEMA };
  for (const fragment of fragments) {
    for (const [name, spec] of Object.entries(fragment.routes)) {
      for (const { path, method, operation } of operationsOf(fragment.tag, name, spec)) {
        if (paths[path]?.[method]) throw new Error(`${method.toUpperCase()} ${path} is declared twice`);
        paths[path] = { ...paths[path], [method]: operation };
      }
    }
    for (const [name, schema] of Object.entries(fragment.schemas ?? {})) {
      if (schemas[name]) throw new Error(`component schema ${name} is declared twice`);
      schemas[name] = schema instanceof z.ZodType ? jsonSchemaOf(schema) : schema;
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'airan api',
      version: '1',
      description:
        'Pilot registry, key administration, history, exports and live streams, ops alerts and alerting operations (rules, silences, acknowledgements) of the airan AI-RAN platform. ' +
        'Every route needs `Authorization: Bearer <api key>` of one of the roles it names. The topics are described by /asyncapi.json; both are rendered at /docs.',
    },
    tags: fragments.map(({ tag, description }) => ({ name: tag, description })),
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'an airan API key' } }, schemas },
    paths,
  };
}
