import type { JsonSchema } from '@airan/contracts';
import { z } from 'zod';
import { type OpenApiFragment, type RouteSpecs, type RouteVariant, errorsOf, pascalCase, schemaRef } from '../openapi/route.declaration';
import { type ColumnType, DATASETS, type Dataset } from './history.datasets';
import { HISTORY_HTTP_STATUS, HistoryError } from './history.errors';
import { HISTORY_QUERY_SCHEMAS, HISTORY_ROUTES, type HistoryRoute } from './history.schemas';

/** Every role reads history; what each sees is decided by its data scope (data-scope.ts). */
export const HISTORY_ACCESS = ['admin', 'ops', 'operator', 'partner'] as const;

export const HISTORY_SUMMARIES: Readonly<Record<HistoryRoute, string>> = {
  'cell-load': 'Closed cell-load windows: the latest revision of each, or every revision with `revisions=all`',
  rollups: 'Site, pilot or operator rollups per window (`scope` picks which)',
  'cell-samples': 'Raw cell samples as load stored them, each identity (cell, time) once',
  'gpu-samples': 'Raw GPU samples per node and device',
  'dead-letters': 'Records ingest rejected, with the reason and the raw record',
};

export const SCOPE_DESCRIPTION =
  'Scoped by key: ops and admin read every operator (narrowed by `operator`), an operator key its own operator only ' +
  '(another `operator` is 403 OPERATOR_NOT_PERMITTED), a partner key what its grants in force give, cut to their operators, pilots and sites and redacted (403 NO_GRANTS for a product none gives; see GET /v1/grants).';

/** The row schema's name of a history route: `CellLoadRow`. */
export const rowSchemaName = (route: HistoryRoute): string => `${pascalCase(route)}Row`;

/** `/v1/history/{dataset}` with an unknown dataset. */
export function unknownHistoryDataset(dataset: string): HistoryError {
  return new HistoryError('UNKNOWN_DATASET', `no history ${dataset}`, [{ path: 'path.dataset', code: 'UNKNOWN_DATASET', message: `one of ${HISTORY_ROUTES.join(', ')}` }]);
}

/** Stored history, one page at a time: each dataset is documented as its own path, with its own filters and rows. */
export const HISTORY_ROUTE_SPECS = {
  page: {
    method: 'GET',
    path: '/v1/history/{dataset}',
    summary: 'A page of stored history',
    access: HISTORY_ACCESS,
    params: z.object({ dataset: z.string() }).strict(),
    variants: {
      param: 'dataset',
      values: Object.fromEntries(HISTORY_ROUTES.map((route): [HistoryRoute, RouteVariant] => [route, historyVariant(route)])) as Record<HistoryRoute, RouteVariant>,
      unknown: unknownHistoryDataset,
    },
    responses: { 200: { description: 'a page of rows in key order' } },
    errors: errorsOf(HISTORY_HTTP_STATUS, 'UNKNOWN_DATASET', 'OPERATOR_NOT_PERMITTED', 'NO_GRANTS', 'HISTORY_UNAVAILABLE'),
  },
} as const satisfies RouteSpecs;

function historyVariant(route: HistoryRoute): RouteVariant {
  return {
    summary: HISTORY_SUMMARIES[route],
    description:
      'Rows in key order (time first), at most `limit` a page, in the half-open range [`from`, `to`). Pass `nextCursor` back as `cursor`, with the same ' +
      'other parameters, for the next page: a page continues strictly after the last row of the one before, so rows are neither skipped nor repeated ' +
      `while others are written. A cursor of another query is 400 INVALID_QUERY. ${SCOPE_DESCRIPTION}`,
    query: HISTORY_QUERY_SCHEMAS[route],
    responses: {
      200: {
        description: 'a page of rows',
        schema: {
          type: 'object',
          required: ['items', 'nextCursor'],
          properties: {
            items: { type: 'array', items: schemaRef(rowSchemaName(route)) },
            nextCursor: { type: ['string', 'null'], description: 'the `cursor` of the next page; null when this page is the last' },
          },
          additionalProperties: false,
        },
      },
    },
  };
}

const COLUMN_SCHEMAS: Readonly<Record<ColumnType, { type?: string; format?: string; description?: string }>> = {
  text: { type: 'string' },
  uuid: { type: 'string', format: 'uuid' },
  int: { type: 'integer' },
  bigint: { type: 'integer', description: '64-bit in storage; exact in JSON below 2^53' },
  double: { type: 'number' },
  boolean: { type: 'boolean' },
  timestamp: { type: 'string', format: 'date-time', description: 'UTC, to the microsecond when there are any' },
  json: {},
};

/** A row as JSON, from the dataset's columns: the list that also drives the SQL, the CSV header and the Parquet schema. */
export function rowSchemaOf(dataset: Dataset): JsonSchema {
  const properties = Object.fromEntries(
    dataset.columns.map(({ name, type, nullable }) => {
      const schema = COLUMN_SCHEMAS[type];
      return [name, nullable && schema.type ? { ...schema, type: [schema.type, 'null'] } : schema];
    }),
  );
  return { type: 'object', required: dataset.columns.map((c) => c.name), properties, additionalProperties: false };
}

export const HISTORY_OPENAPI: OpenApiFragment = {
  tag: 'history',
  description: 'Stored load windows, rollups, raw samples and dead letters, paged by keyset cursors',
  routes: HISTORY_ROUTE_SPECS,
  // `revisions=all` reads another table with the same columns, so both share one row schema.
  schemas: Object.fromEntries(HISTORY_ROUTES.map((route) => [rowSchemaName(route), rowSchemaOf(DATASETS[route])])),
};
