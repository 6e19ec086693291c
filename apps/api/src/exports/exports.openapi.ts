import { z } from 'zod';
import { HISTORY_HTTP_STATUS } from '../history/history.errors';
import { HISTORY_ACCESS, HISTORY_SUMMARIES, SCOPE_DESCRIPTION } from '../history/history.openapi';
import { HISTORY_ROUTES, type HistoryRoute } from '../history/history.schemas';
import { type OpenApiFragment, type RouteSpecs, type RouteVariant, errorsOf } from '../openapi/route.declaration';
import { EXPORTS_HTTP_STATUS, ExportsError } from './exports.errors';
import { EXPORT_CONTENT_TYPES, EXPORT_FORMATS, EXPORT_MAX_RANGE_DAYS, EXPORT_QUERY_SCHEMAS, type ExportFormat } from './exports.schemas';

/** `<history route>.<format>`: the files there are. */
export const EXPORT_FILES = HISTORY_ROUTES.flatMap((route) => EXPORT_FORMATS.map((format) => `${route}.${format}`));

/** A file's history route and format, as `/v1/exports/{file}` names them (the file is one of EXPORT_FILES). */
export function exportFileParts(file: string): [HistoryRoute, ExportFormat] {
  const dot = file.lastIndexOf('.');
  return [file.slice(0, dot) as HistoryRoute, file.slice(dot + 1) as ExportFormat];
}

function unknownExport(file: string): ExportsError {
  return new ExportsError('UNKNOWN_EXPORT', `no export ${file}`, [{ path: 'path.file', code: 'UNKNOWN_EXPORT', message: `one of ${EXPORT_FILES.join(', ')}` }]);
}

const FILE_MEDIA: Readonly<Record<ExportFormat, { mediaType: string; description: string }>> = {
  csv: { mediaType: EXPORT_CONTENT_TYPES.csv.split(';')[0], description: 'CSV (RFC 4180) with a header row: instants in ISO 8601 UTC, NULL as an empty field, JSON columns as JSON text' },
  parquet: { mediaType: EXPORT_CONTENT_TYPES.parquet, description: 'Parquet, one column per field with its logical type (instants as TIMESTAMP in microseconds, UTC)' },
};

function exportVariant(file: string): RouteVariant {
  const [route, format] = exportFileParts(file);
  return {
    summary: `${HISTORY_SUMMARIES[route]}, as ${format === 'csv' ? 'CSV' : 'Parquet'}`,
    description:
      `Every row of \`/v1/history/${route}\` in [\`from\`, \`to\`) (at most ${EXPORT_MAX_RANGE_DAYS} days), in key order, streamed from a database cursor: ` +
      'a client that stops reading stalls the query, and one stalled past API_EXPORT_STALL_TIMEOUT_MS is cut off. A failure after the answer began ' +
      `cuts the response short, so an incomplete file never looks complete. ${SCOPE_DESCRIPTION}`,
    query: EXPORT_QUERY_SCHEMAS[route],
    responses: { 200: { description: FILE_MEDIA[format].description, mediaType: FILE_MEDIA[format].mediaType, schema: { type: 'string', format: 'binary' } } },
  };
}

/** History as files: each `<route>.<format>` is documented as its own path. */
export const EXPORT_ROUTE_SPECS = {
  file: {
    method: 'GET',
    path: '/v1/exports/{file}',
    summary: 'A history query as one file',
    access: HISTORY_ACCESS,
    params: z.object({ file: z.string() }).strict(),
    variants: { param: 'file', values: Object.fromEntries(EXPORT_FILES.map((file) => [file, exportVariant(file)])), unknown: unknownExport },
    responses: { 200: { description: 'the file, streamed' } },
    errors: [...errorsOf(EXPORTS_HTTP_STATUS, 'UNKNOWN_EXPORT', 'EXPORTS_BUSY'), ...errorsOf(HISTORY_HTTP_STATUS, 'OPERATOR_NOT_PERMITTED', 'NO_GRANTS', 'HISTORY_UNAVAILABLE')],
  },
} as const satisfies RouteSpecs;

export const EXPORTS_OPENAPI: OpenApiFragment = {
  tag: 'exports',
  description: 'History as CSV or Parquet files, streamed',
  routes: EXPORT_ROUTE_SPECS,
};
