import { z } from 'zod';
import { type OpenApiFragment, type RouteSpecs, errorsOf } from '../openapi/route.declaration';
import { KEYS_HTTP_STATUS } from './keys.errors';
import { issuedKeySchema, keyRequestSchema } from './keys.schemas';

/** Key administration, for admins. */
export const KEY_ROUTES = {
  issue: {
    method: 'POST',
    path: '/v1/admin/keys',
    summary: 'Issue an API key; the key is in the answer only',
    description: 'Operator keys are also published (hash only) on airan.registry.v1, which is how ingest learns them.',
    access: ['admin'],
    body: keyRequestSchema,
    responses: { 201: { description: 'the key, shown once', schema: issuedKeySchema } },
    errors: errorsOf(KEYS_HTTP_STATUS, 'UNKNOWN_OPERATOR'),
  },
  revoke: {
    method: 'DELETE',
    path: '/v1/admin/keys/{id}',
    summary: 'Revoke an API key, at once in the api and for ingest through the registry topic',
    access: ['admin'],
    params: z.object({ id: z.string().regex(/^[0-9a-f]{12}$/, "a key's id: 12 hex digits, the part after `airan_`") }).strict(),
    responses: { 204: { description: 'revoked' } },
    errors: errorsOf(KEYS_HTTP_STATUS, 'KEY_NOT_FOUND'),
  },
} as const satisfies RouteSpecs;

export const KEYS_OPENAPI: OpenApiFragment = { tag: 'keys', description: 'API keys: issued and revoked by admins', routes: KEY_ROUTES };
