import { alertFingerprintSchema } from '@airan/contracts';
import {
  acknowledgeRequestSchema,
  alertNotificationSchema,
  alertNotificationsQuerySchema,
  assignRequestSchema,
  ruleIdSchema,
  ruleSchema,
  silenceRequestSchema,
} from '@airan/rule-engine';
import { z } from 'zod';
import { type ErrorSpec, type OpenApiFragment, type RouteSpec, type RouteSpecs, errorsOf, schemaRef } from '../openapi/route.declaration';
import { OPS_HTTP_STATUS } from './ops.errors';

/** Media types of a YAML rules document; their bodies are kept as text, which alerting parses and validates. */
export const RULES_YAML_MEDIA_TYPES = ['application/yaml', 'text/yaml', 'application/x-yaml'];

const OPS_ROLES = ['ops', 'admin'] as const;
const json = (schema: z.ZodTypeAny, required: boolean) => ({ mediaTypes: ['application/json'], schema, required, description: 'validated by alerting: 422 names every offending field (`$.field`)' });
const flag = z.enum(['true', 'false']);

/**
 * What a forwarded route may answer besides its success: alerting's own errors (relayed as they are:
 * their statuses are alerting's, `apps/alerting/src/alerting.errors.ts`) and the forwarding's.
 */
const forwarded = (...alerting: ErrorSpec[]): ErrorSpec[] => [
  ...alerting.map((error) => ({ ...error, description: `${error.code}, from alerting` })),
  ...errorsOf(OPS_HTTP_STATUS, 'ALERTING_UNAVAILABLE', 'ALERTING_TIMEOUT', 'ALERTING_NOT_CONFIGURED'),
];
const ALERT_NOT_FOUND = { status: 404, code: 'ALERT_NOT_FOUND' };
const RULE_NOT_FOUND = { status: 404, code: 'RULE_NOT_FOUND' };

const alertAction = (action: string, summary: string, passedBody?: RouteSpec['passedBody']): RouteSpec => ({
  method: 'POST',
  path: `/v1/alerts/{fingerprint}/${action}`,
  summary: `${summary}; the change appears on the stream as an alert event`,
  access: OPS_ROLES,
  params: z.object({ fingerprint: alertFingerprintSchema }).strict(),
  ...(passedBody ? { passedBody } : {}),
  responses: { 200: { description: 'the alert event announcing the change', schema: schemaRef('AlertEvent') } },
  errors: forwarded(ALERT_NOT_FOUND, { status: 409, code: 'ALERT_NOT_ACTIVE' }, { status: 422, code: 'INVALID_ACTION' }),
});

const ruleParams = z.object({ id: ruleIdSchema }).strict();
const rule = { description: 'the rule, defaults applied', schema: schemaRef('AlertRule') };

/** Alerting's rules, silences, alert actions and alert notifications, forwarded with the caller named as actor. */
export const OPS_ROUTES = {
  ack: alertAction('ack', 'Acknowledge an alert', json(acknowledgeRequestSchema, false)),
  unack: alertAction('unack', 'Withdraw the acknowledgement of an alert'),
  assign: alertAction('assign', 'Assign an alert to someone (null: unassign)', json(assignRequestSchema, true)),
  alertNotifications: {
    method: 'GET',
    path: '/v1/alerts/{fingerprint}/notifications',
    summary: 'The notifications sent for one alert, newest first',
    description:
      'Each notification alerting queued for a receiver about this alert: the receiver, what it announced, when it was queued, delivered or given up, the attempts and the last error. Never the receiver URL or the body.',
    access: OPS_ROLES,
    params: z.object({ fingerprint: alertFingerprintSchema }).strict(),
    query: alertNotificationsQuerySchema,
    responses: {
      200: {
        description: 'the newest `limit` notifications; an alert no receiver heard of has none',
        schema: { type: 'object', required: ['notifications'], properties: { notifications: { type: 'array', items: schemaRef('AlertNotification') } } },
      },
    },
    errors: forwarded(ALERT_NOT_FOUND),
  },
  listRules: {
    method: 'GET',
    path: '/v1/rules',
    summary: 'Alert rules',
    access: OPS_ROLES,
    responses: { 200: { description: 'every rule', schema: { type: 'object', required: ['rules'], properties: { rules: { type: 'array', items: schemaRef('AlertRule') } } } } },
    errors: forwarded(),
  },
  exportRules: {
    method: 'GET',
    path: '/v1/rules.yaml',
    summary: 'Every rule as one YAML document',
    access: OPS_ROLES,
    responses: { 200: { description: 'the rules, `{ rules: [...] }` as YAML', mediaType: 'application/yaml', schema: { type: 'string' } } },
    errors: forwarded(),
  },
  importRules: {
    method: 'POST',
    path: '/v1/rules/import',
    summary: 'Create or replace rules from a YAML document; with replace=true, rules not in it are deleted',
    access: OPS_ROLES,
    query: z.object({ replace: flag.default('false') }).strict(),
    passedBody: { mediaTypes: RULES_YAML_MEDIA_TYPES, schema: { type: 'string', description: '`rules:` and a list of rules, each as PUT /v1/rules/{id} takes it' }, required: true },
    responses: {
      200: {
        description: 'the ids of the rules created, updated and deleted',
        schema: z.object({ created: z.array(ruleIdSchema), updated: z.array(ruleIdSchema), deleted: z.array(ruleIdSchema) }),
      },
    },
    errors: forwarded({ status: 422, code: 'INVALID_RULES_YAML' }),
  },
  getRule: {
    method: 'GET',
    path: '/v1/rules/{id}',
    summary: 'One alert rule',
    access: OPS_ROLES,
    params: ruleParams,
    responses: { 200: rule },
    errors: forwarded(RULE_NOT_FOUND),
  },
  putRule: {
    method: 'PUT',
    path: '/v1/rules/{id}',
    summary: 'Create or replace an alert rule',
    access: OPS_ROLES,
    params: ruleParams,
    passedBody: json(ruleSchema, true),
    responses: { 200: { ...rule, description: 'replaced' }, 201: { ...rule, description: 'created' } },
    errors: forwarded({ status: 422, code: 'INVALID_RULE' }),
  },
  deleteRule: {
    method: 'DELETE',
    path: '/v1/rules/{id}',
    summary: 'Delete an alert rule',
    access: OPS_ROLES,
    params: ruleParams,
    responses: { 204: { description: 'deleted' } },
    errors: forwarded(RULE_NOT_FOUND),
  },
  listSilences: {
    method: 'GET',
    path: '/v1/silences',
    summary: 'Silences: running and pending, or with expired=true the expired ones too',
    access: OPS_ROLES,
    query: z.object({ expired: flag.optional() }).strict(),
    responses: { 200: { description: 'the silences', schema: { type: 'object', required: ['silences'], properties: { silences: { type: 'array', items: { type: 'object' } } } } } },
    errors: forwarded(),
  },
  createSilence: {
    method: 'POST',
    path: '/v1/silences',
    summary: 'Create a silence; the caller is its creator',
    access: OPS_ROLES,
    passedBody: json(silenceRequestSchema, true),
    responses: { 201: { description: 'the silence as stored' } },
    errors: forwarded({ status: 422, code: 'INVALID_SILENCE' }),
  },
  expireSilence: {
    method: 'DELETE',
    path: '/v1/silences/{id}',
    summary: 'Expire a silence',
    access: OPS_ROLES,
    params: z.object({ id: z.string().uuid() }).strict(),
    responses: { 204: { description: 'expired' } },
    errors: forwarded({ status: 404, code: 'SILENCE_NOT_FOUND' }),
  },
} as const satisfies RouteSpecs;

export const OPS_OPENAPI: OpenApiFragment = {
  tag: 'ops',
  description:
    "Alerting's rules, silences, alert actions and the notifications sent for an alert, forwarded to alerting's internal API with the caller as actor; alerting's answers are relayed as they are. Without ALERTING_OPS_TOKEN these answer 503.",
  routes: OPS_ROUTES,
  schemas: { AlertRule: ruleSchema, AlertNotification: alertNotificationSchema },
};
