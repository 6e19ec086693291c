import { ALERT_STATUSES, alertEventSchema, alertFingerprintSchema } from '@airan/contracts';
import { z } from 'zod';
import { type OpenApiFragment, type RouteSpecs, errorsOf, schemaRef } from '../openapi/route.declaration';
import { ALERTS_HTTP_STATUS } from './alerts.errors';

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
const label = z.string().max(128);
const limit = z.coerce.number().int().min(1).max(1000).default(100);

/** Routes of the alerts read model: current alerts and each alert's history. */
export const ALERT_ROUTES = {
  list: {
    method: 'GET',
    path: '/v1/alerts',
    summary: 'Current alerts, newest evidence first, a page at a time',
    description:
      'The latest event of every alert, filtered by status, scope labels and lifecycle, newest evidence first (event time, then fingerprint, descending). ' +
      'A full page has a `nextCursor`: pass it as `cursor`, with the same filters, for the next one. An alert that changes while a client pages moves to the front ' +
      'and may be missed or listed twice; a client that must see every alert opens the alert stream first (as the ops console does) and takes changes from it.',
    access: ['ops', 'admin'],
    query: z
      .object({
        status: z.enum(ALERT_STATUSES).optional(),
        active: flag.optional().describe('true: every status but resolved; false: resolved only'),
        operator: label.optional().describe('operator id (the `operator` label)'),
        site: label.optional().describe('site id'),
        cell: label.optional().describe('cell id'),
        severity: label.optional(),
        alertname: label.optional(),
        acknowledged: flag.optional(),
        assignee: label.optional(),
        silenced: flag.optional(),
        limit,
        cursor: z.string().max(512).optional().describe('the `nextCursor` of the previous page'),
      })
      .strict(),
    responses: {
      200: {
        description: 'a page of alerts, each as its latest event',
        schema: { type: 'object', required: ['alerts', 'nextCursor'], properties: { alerts: { type: 'array', items: schemaRef('AlertEvent') }, nextCursor: { type: ['string', 'null'] } } },
      },
    },
    errors: errorsOf(ALERTS_HTTP_STATUS, 'INVALID_QUERY'),
  },
  history: {
    method: 'GET',
    path: '/v1/alerts/{fingerprint}/history',
    summary: 'Every change of one alert, oldest first; the latest `limit` before `before`',
    access: ['ops', 'admin'],
    params: z.object({ fingerprint: alertFingerprintSchema }).strict(),
    query: z
      .object({
        limit,
        before: z.string().uuid().optional().describe("an event id: the previous page's `next`"),
      })
      .strict(),
    responses: {
      200: {
        description: 'a page of events',
        schema: { type: 'object', required: ['events', 'next'], properties: { events: { type: 'array', items: schemaRef('AlertEvent') }, next: { type: ['string', 'null'], description: 'the `before` of the next older page; null when there is none' } } },
      },
    },
    // A `before` that is no event of this alert is INVALID_QUERY too, like any other bad query.
    errors: errorsOf(ALERTS_HTTP_STATUS, 'ALERT_NOT_FOUND'),
  },
} as const satisfies RouteSpecs;

export const ALERTS_OPENAPI: OpenApiFragment = {
  tag: 'alerts',
  description: "Ops alerts: the api's read model of airan.alerts.v1",
  routes: ALERT_ROUTES,
  schemas: { AlertEvent: alertEventSchema },
};
