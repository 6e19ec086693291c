import { fieldErrorSchema, registryIdSchema } from '@airan/contracts';
import { z } from 'zod';
import { HISTORY_HTTP_STATUS } from '../history/history.errors';
import { type OpenApiFragment, type RouteSpecs, errorsOf, schemaRef } from '../openapi/route.declaration';
import { INGEST_HEALTH_HTTP_STATUS } from './ingest-health.errors';

/** The window the counts cover, in minutes back from now. */
export const INGEST_HEALTH_WINDOW = { default: 15, max: 1440 } as const;
/** Dead letters listed per site, newest first. */
export const RECENT_DEAD_LETTERS = 5;

/** Query parameters of `GET /v1/ingest/health`; unknown ones are refused, every refusal names its parameter (`query.window`). */
export const ingestHealthQuerySchema = z
  .object({
    window: z.coerce.number().int().min(1).max(INGEST_HEALTH_WINDOW.max).default(INGEST_HEALTH_WINDOW.default).describe('minutes back from now that the counts and rates cover'),
    operator: registryIdSchema.optional().describe("only this operator's sites (an operator key: its own only)"),
    pilot: registryIdSchema.optional().describe("only this pilot's sites"),
    site: registryIdSchema.optional().describe('only this site'),
  })
  .strict();

const instant = z.string().datetime().describe('UTC, to the microsecond when there are any');

/** A rejected record of the site, as the console lists it. */
export const recentDeadLetterSchema = z
  .object({
    eventId: z.string().uuid(),
    receivedAt: instant.describe('when ingest received the record'),
    format: z.string().describe('native, ves, otlp or prometheus'),
    reason: z.string().describe('the code of the first error, or UNMAPPED'),
    firstError: fieldErrorSchema.nullable().describe("the record's first error; null when it has none (UNMAPPED)"),
  })
  .strict();

/** One registered site: when it was last heard from, and what ingest accepted and rejected of it in the window. */
export const siteIngestHealthSchema = z
  .object({
    siteId: z.string(),
    operatorId: z.string(),
    pilotId: z.string().nullable(),
    lastSeenAt: instant
      .nullable()
      .describe(
        "when load last stored an accepted sample of the site (its latest in the window; for a site silent in the window, that of its newest stored sample by `ts`); " +
          'null when none is stored (samples are kept LOAD_SAMPLE_RETENTION_DAYS)',
      ),
    lastSampleTs: instant.nullable().describe('the time (`ts`) the site gave its newest sample (of those stored in the window, or else of all stored); null when none is stored'),
    accepted: z.object({ samples: z.number().int().min(0).describe('cell and GPU samples stored in the window'), perMinute: z.number().min(0) }).strict(),
    rejected: z.object({ records: z.number().int().min(0).describe('dead letters of the site received in the window'), perMinute: z.number().min(0) }).strict(),
    recentDeadLetters: z.array(recentDeadLetterSchema).max(RECENT_DEAD_LETTERS).describe(`the newest of those dead letters, newest first, at most ${RECENT_DEAD_LETTERS}`),
  })
  .strict();

export type SiteIngestHealth = z.output<typeof siteIngestHealthSchema>;
export type RecentDeadLetter = z.output<typeof recentDeadLetterSchema>;

export const INGEST_HEALTH_DESCRIPTION =
  'Per registered site: when load last stored a sample of it, and the samples it stored and the records ingest rejected in the last `window` minutes ' +
  '(received then, whatever their own time), with the newest of those rejections and their reasons. Every registered site in scope is listed, ' +
  'one never heard from with null times and zero counts. Dead letters count under a site when the site\'s own operator sent them. ' +
  "Scoped as history: ops and admin see every operator's sites (narrowed by `operator`), an operator key its own operator's only (another `operator` is 403 OPERATOR_NOT_PERMITTED; " +
  "another operator's `site` or `pilot` simply lists nothing). Partner keys may not call it: dead letters are never a partner's.";

/** `GET /v1/ingest/health`: the ops console's "Ingest health per site". */
export const INGEST_HEALTH_ROUTES = {
  sites: {
    method: 'GET',
    path: '/v1/ingest/health',
    summary: 'Ingest health per site: last seen, accepted and rejected rates, recent dead letters',
    description: INGEST_HEALTH_DESCRIPTION,
    access: ['admin', 'ops', 'operator'],
    query: ingestHealthQuerySchema,
    responses: {
      200: {
        description: 'every site in scope, ordered by id',
        schema: {
          type: 'object',
          required: ['window', 'sites'],
          properties: {
            window: {
              type: 'object',
              required: ['from', 'to'],
              properties: { from: { type: 'string', format: 'date-time', description: 'inclusive' }, to: { type: 'string', format: 'date-time', description: 'exclusive: when the api answered' } },
              additionalProperties: false,
            },
            sites: { type: 'array', items: schemaRef('SiteIngestHealth') },
          },
          additionalProperties: false,
        },
      },
    },
    errors: [...errorsOf(HISTORY_HTTP_STATUS, 'OPERATOR_NOT_PERMITTED'), ...errorsOf(INGEST_HEALTH_HTTP_STATUS, 'INGEST_HEALTH_UNAVAILABLE')],
  },
} as const satisfies RouteSpecs;

export const INGEST_HEALTH_OPENAPI: OpenApiFragment = {
  tag: 'ingest-health',
  description: 'What ingest and load made of each site lately: last seen, accepted and rejected rates, recent dead letters',
  routes: INGEST_HEALTH_ROUTES,
  schemas: { SiteIngestHealth: siteIngestHealthSchema },
};
