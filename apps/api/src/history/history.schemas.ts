import { z } from 'zod';
import { parseInstant } from './history.time';

/**
 * Query parameters of `GET /v1/history/<route>`, one zod schema per route (HISTORY_QUERY_SCHEMAS), from
 * which the OpenAPI document can be generated. Unknown parameters are refused; every refusal names its
 * parameter (`query.from`) and the reason.
 */

const label = z.string().min(1).max(128);
/** ISO 8601 with an offset (`2026-11-27T00:00:00Z`, `...+09:00`), to the microsecond; read as µs since the epoch. */
export const instant = z.string().datetime({ offset: true, message: 'an ISO 8601 date-time with an offset, e.g. 2026-11-27T00:00:00Z' }).transform(parseInstant);

/** Each route's own filters (besides the time range), shared with the exports. */
export const HISTORY_FILTERS = {
  /**
   * `revisions=all`: every revision of each window, not only the latest. `latestPerCell=true`: only each
   * cell's newest closed window (what a fleet map shows), instead of every window of the range.
   */
  'cell-load': {
    operator: label.optional(),
    pilot: label.optional(),
    site: label.optional(),
    cell: label.optional(),
    revisions: z.enum(['latest', 'all']).default('latest'),
    latestPerCell: z.enum(['true']).optional(),
  },
  /** `scope` picks site, pilot or operator rollups; `id` one of them. */
  rollups: { scope: z.enum(['site', 'pilot', 'operator']), id: label.optional(), operator: label.optional() },
  'cell-samples': { operator: label.optional(), site: label.optional(), cell: label.optional() },
  'gpu-samples': { operator: label.optional(), site: label.optional(), node: label.optional() },
  'dead-letters': { operator: label.optional(), site: label.optional() },
} as const;

export type HistoryRoute = keyof typeof HISTORY_FILTERS;
export const HISTORY_ROUTES = Object.keys(HISTORY_FILTERS) as HistoryRoute[];

export const HISTORY_LIMIT = { default: 100, max: 1000 } as const;

/** `from` must not be after `to` (equal is an empty range: [from, to) is half-open). */
export function checkRange(range: { from?: bigint; to?: bigint }, ctx: z.RefinementCtx): void {
  if (range.from !== undefined && range.to !== undefined && range.from > range.to) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['from'], message: 'from is after to' });
  }
}

function historySchema<R extends HistoryRoute>(route: R) {
  return z
    .object({
      ...HISTORY_FILTERS[route],
      /** Start of the time range, inclusive. */
      from: instant.optional(),
      /** End of the time range, exclusive. */
      to: instant.optional(),
      limit: z.coerce.number().int().min(1).max(HISTORY_LIMIT.max).default(HISTORY_LIMIT.default),
      /** `nextCursor` of the previous page, with the same other parameters. */
      cursor: z.string().min(1).max(1024).regex(/^[A-Za-z0-9_-]+$/, 'the nextCursor of a previous page').optional(),
    })
    .strict()
    .superRefine(checkRange);
}

export const HISTORY_QUERY_SCHEMAS = {
  'cell-load': historySchema('cell-load'),
  rollups: historySchema('rollups'),
  'cell-samples': historySchema('cell-samples'),
  'gpu-samples': historySchema('gpu-samples'),
  'dead-letters': historySchema('dead-letters'),
} as const satisfies Record<HistoryRoute, z.ZodTypeAny>;
