import { registryIdSchema } from '@airan/contracts';
import { z } from 'zod';
import { type OpenApiFragment, type RouteSpecs, errorsOf, schemaRef } from '../openapi/route.declaration';
import { PARTNER_CREDENTIALS_HTTP_STATUS } from './partner-credentials.errors';

const credentialIdSchema = z.string().regex(/^[0-9a-f]{12}$/, "a credential's id: 12 hex digits");

/** A credential as listed: never its password, which only the answer that issued it held. */
export const partnerCredentialSchema = z
  .object({
    id: credentialIdSchema,
    partnerId: registryIdSchema,
    username: z.string().describe('the SASL user name, `<partnerId>.<id>`'),
    createdAt: z.string().datetime(),
    createdBy: z.string().describe('id of the admin key that issued it'),
    revokedAt: z.string().datetime().nullable(),
    revokedBy: z.string().nullable(),
  })
  .strict();

/** The answer that issues a credential: everything a Kafka client needs, the password shown this once. */
export const issuedPartnerCredentialSchema = partnerCredentialSchema
  .extend({
    password: z.string().describe('shown once: airan keeps only the broker\'s salted SCRAM hash'),
    bootstrapServers: z.string().describe('the authenticated listener, host:port[,host:port]'),
    securityProtocol: z.literal('SASL_PLAINTEXT'),
    saslMechanism: z.literal('SCRAM-SHA-512'),
    topicPrefix: z.string().describe('every topic the credential may read starts with this'),
    groupPrefix: z.string().describe('every consumer group it may use starts with this'),
  })
  .strict();

const partnerParams = z.object({ partnerId: registryIdSchema }).strict();

/** A partner's Kafka credentials on the broker's SASL listener: admins issue and revoke, a partner lists its own. */
export const PARTNER_CREDENTIAL_ROUTES = {
  issue: {
    method: 'POST',
    path: '/v1/partners/{partnerId}/kafka-credentials',
    summary: "Issue a Kafka credential (SCRAM-SHA-512) for a partner; the password is in the answer only",
    description: 'Creates the SCRAM credential on the broker and ACLs allowing READ and DESCRIBE on the partner\'s topics (`airan.share.<partnerId>.`) and consumer groups (`<partnerId>.`), nothing else.',
    access: ['admin'],
    params: partnerParams,
    responses: { 201: { description: 'the credential, with its password shown once', schema: issuedPartnerCredentialSchema } },
    errors: errorsOf(PARTNER_CREDENTIALS_HTTP_STATUS, 'PARTNER_NOT_FOUND', 'BROKER_UNAVAILABLE'),
  },
  list: {
    method: 'GET',
    path: '/v1/partners/{partnerId}/kafka-credentials',
    summary: "A partner's Kafka credentials, revoked ones included (never a password)",
    description: 'A partner key lists its own only (naming another partner is 403 PARTNER_NOT_PERMITTED).',
    access: ['admin', 'partner'],
    params: partnerParams,
    responses: { 200: { description: 'oldest first', schema: { type: 'object', required: ['credentials'], properties: { credentials: { type: 'array', items: schemaRef('PartnerCredential') } } } } },
    errors: errorsOf(PARTNER_CREDENTIALS_HTTP_STATUS, 'PARTNER_NOT_PERMITTED'),
  },
  revoke: {
    method: 'DELETE',
    path: '/v1/partners/{partnerId}/kafka-credentials/{id}',
    summary: 'Revoke a Kafka credential: new connections fail, its ACLs go, open sessions end at re-authentication (within a minute)',
    access: ['admin'],
    params: partnerParams.extend({ id: credentialIdSchema }).strict(),
    responses: { 204: { description: 'revoked' } },
    errors: errorsOf(PARTNER_CREDENTIALS_HTTP_STATUS, 'CREDENTIAL_NOT_FOUND', 'BROKER_UNAVAILABLE'),
  },
} as const satisfies RouteSpecs;

export const PARTNER_CREDENTIALS_OPENAPI: OpenApiFragment = {
  tag: 'partner-credentials',
  description: "Research partners' own Kafka credentials, limited by ACLs to their topics",
  routes: PARTNER_CREDENTIAL_ROUTES,
  schemas: { PartnerCredential: partnerCredentialSchema },
};
