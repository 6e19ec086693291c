import { z } from 'zod';
import { HISTORY_FILTERS, type HistoryRoute, checkRange, instant } from '../history/history.schemas';

/**
 * Query parameters of `GET /v1/exports/<route>.<format>`, one zod schema per route (EXPORT_QUERY_SCHEMAS):
 * the history route's filters and scoping, no cursor or limit, and a time range that is required and at
 * most EXPORT_MAX_RANGE_DAYS long.
 */

export const EXPORT_FORMATS = ['csv', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The media type each format is answered with. */
export const EXPORT_CONTENT_TYPES: Readonly<Record<ExportFormat, string>> = { csv: 'text/csv; charset=utf-8; header=present', parquet: 'application/vnd.apache.parquet' };

export const EXPORT_MAX_RANGE_DAYS = 31;
const MAX_RANGE_MICROS = BigInt(EXPORT_MAX_RANGE_DAYS) * 86_400_000_000n;

function exportSchema<R extends HistoryRoute>(route: R) {
  return z
    .object({
      ...HISTORY_FILTERS[route],
      /** Start of the time range, inclusive. */
      from: instant,
      /** End of the time range, exclusive; at most EXPORT_MAX_RANGE_DAYS after `from`. */
      to: instant,
    })
    .strict()
    .superRefine((range, ctx) => {
      checkRange(range, ctx);
      if (range.to - range.from > MAX_RANGE_MICROS) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['to'], message: `at most ${EXPORT_MAX_RANGE_DAYS} days after from` });
    });
}

export const EXPORT_QUERY_SCHEMAS = {
  'cell-load': exportSchema('cell-load'),
  rollups: exportSchema('rollups'),
  'cell-samples': exportSchema('cell-samples'),
  'gpu-samples': exportSchema('gpu-samples'),
  'dead-letters': exportSchema('dead-letters'),
} as const satisfies Record<HistoryRoute, z.ZodTypeAny>;
