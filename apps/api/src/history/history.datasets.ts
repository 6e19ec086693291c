/**
 * The datasets served by `/v1/history/*` and `/v1/exports/*`: where each lives, its columns (one list drives
 * JSON, CSV and Parquet alike), its order (the keyset cursors page along) and the filters it takes. Load's
 * tables are read here as load writes them (the api and load share one database, each owning its schema);
 * the indexes these queries need are created in load's migrations.
 */

/** How a column travels: JSON value, CSV text and Parquet type all follow from it (a uuid travels as text). */
export type ColumnType = 'text' | 'uuid' | 'int' | 'bigint' | 'double' | 'boolean' | 'timestamp' | 'json';

export interface Column {
  /** Output name (JSON field, CSV header, Parquet column). */
  readonly name: string;
  /** The table column (alias `t`). */
  readonly column: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
}

/** Appends a query parameter and returns its placeholder, cast (`$3::text`). */
export type Bind = (value: unknown, cast: string) => string;

/** The parameters a dataset's predicates may consult besides their own value (rollups: the scope). */
export type FilterValues = Readonly<Record<string, string | undefined>>;

export interface Dataset {
  readonly name: DatasetName;
  /** `<schema>.<table>`, read as `t`. */
  readonly table: string;
  readonly columns: readonly Column[];
  /** Output names of the columns that order the rows and identify one, the time column first. */
  readonly key: readonly string[];
  /** Query parameter → predicate on `t` (operator excluded: see `scoped`). */
  readonly filters: Readonly<Record<string, (bind: Bind, value: string, all: FilterValues) => string>>;
  /** The predicate keeping the rows of a scope only: those of any of its operators, pilots or sites. */
  readonly scoped: (bind: Bind, scope: ScopeIds, all: FilterValues) => string;
}

/** What a caller may read: rows of any of these operators, pilots or sites (pilots and sites come from a partner's grants). */
export interface ScopeIds {
  readonly operators: readonly string[];
  readonly pilots: readonly string[];
  readonly sites: readonly string[];
}

export const DATASET_NAMES = ['cell-load', 'cell-load-revisions', 'rollups', 'cell-samples', 'gpu-samples', 'dead-letters'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
/** Columns named as their table columns in camelCase; `?` marks a nullable one. */
function columns(spec: Record<string, ColumnType | `${ColumnType}?`>): Column[] {
  return Object.entries(spec).map(([name, t]) => ({ name, column: snake(name), type: t.replace('?', '') as ColumnType, nullable: t.endsWith('?') }));
}
const equals = (column: string, cast = 'text') => (bind: Bind, value: string) => `t.${column} = ${bind(value, cast)}`;

/** A predicate per kind of id a dataset can place its rows by; the placeholder is the bound id list. */
type Placing = Partial<Record<keyof ScopeIds, (ids: string) => string>>;

/**
 * Rows placed at any of the scope's ids. Only the kinds with ids are written (an operator key's query is
 * `t.operator_id = ANY($1)`, as its index wants); a scope with none keeps no row.
 */
function placedAt(placing: Placing): Dataset['scoped'] {
  return (bind, scope) => {
    const terms = (Object.keys(placing) as Array<keyof ScopeIds>).filter((kind) => scope[kind].length > 0).map((kind) => placing[kind]!(bind(scope[kind], 'text[]')));
    return terms.length === 0 ? 'false' : terms.length === 1 ? terms[0] : `(${terms.join(' OR ')})`;
  };
}
/** Sites of these pilots, from the api's registry. */
const sitesOfPilots = (ids: string) => `(SELECT r.id FROM api.registry_entities r WHERE r.type = 'site' AND r.body->>'pilotId' = ANY(${ids}))`;
const byOperatorColumn = (ids: string) => `t.operator_id = ANY(${ids})`;

const CELL_WINDOW_COLUMNS = columns({
  cellId: 'text', windowStart: 'timestamp', windowEnd: 'timestamp', revision: 'int', operatorId: 'text', siteId: 'text', pilotId: 'text?',
  sampleCount: 'int', coverage: 'double', aiGpuMs: 'double?', capacityGpuMs: 'double?', radioGpuMs: 'double?', inferenceLoad: 'double?',
  radioLoad: 'double?', headroom: 'double?', requests: 'bigint', tokens: 'bigint', tokensPerSec: 'double', latencyP95Ms: 'double?',
  prbDlPct: 'double?', prbUlPct: 'double?', thpDlMbps: 'double?', thpUlMbps: 'double?', rrcConnectedUes: 'double?', eventId: 'uuid', closedAt: 'timestamp',
});
const CELL_WINDOW_FILTERS = {
  pilot: equals('pilot_id'),
  site: equals('site_id'),
  cell: equals('cell_id'),
  // A window no later window of its cell follows: one probe of load.cell_windows' primary key (cell_id, window_start) per row.
  latestPerCell: () => 'NOT EXISTS (SELECT 1 FROM load.cell_windows n WHERE n.cell_id = t.cell_id AND n.window_start > t.window_start)',
};
const CELL_WINDOW_PLACING = placedAt({ operators: byOperatorColumn, pilots: (ids) => `t.pilot_id = ANY(${ids})`, sites: (ids) => `t.site_id = ANY(${ids})` });
const SAMPLE_PLACING = placedAt({ operators: byOperatorColumn, pilots: (ids) => `t.site_id IN ${sitesOfPilots(ids)}`, sites: (ids) => `t.site_id = ANY(${ids})` });

const SAMPLE_TAIL = { operatorId: 'text', siteId: 'text', tooLate: 'boolean', receivedAt: 'timestamp' } as const;

export const DATASETS: Readonly<Record<DatasetName, Dataset>> = {
  /** Closed cell-load windows, the latest revision of each. */
  'cell-load': {
    name: 'cell-load',
    table: 'load.cell_windows',
    columns: CELL_WINDOW_COLUMNS,
    key: ['windowStart', 'cellId'],
    filters: CELL_WINDOW_FILTERS,
    scoped: CELL_WINDOW_PLACING,
  },
  /** Every revision of every closed window (`revisions=all`). */
  'cell-load-revisions': {
    name: 'cell-load-revisions',
    table: 'load.cell_window_revisions',
    columns: CELL_WINDOW_COLUMNS,
    key: ['windowStart', 'cellId', 'revision'],
    filters: CELL_WINDOW_FILTERS,
    scoped: CELL_WINDOW_PLACING,
  },
  /**
   * Site, pilot and operator sums per window. Rollup rows name no operator: a site's or pilot's belongs to
   * the operator the registry places it with (an operator's own row to itself), read from the api's registry.
   */
  rollups: {
    name: 'rollups',
    table: 'load.rollup_windows',
    columns: columns({ scope: 'text', scopeId: 'text', windowStart: 'timestamp', cells: 'int', aiGpuUs: 'bigint', capacityGpuUs: 'bigint', radioGpuUs: 'bigint', requests: 'bigint', tokens: 'bigint', updatedAt: 'timestamp' }),
    key: ['windowStart', 'scopeId'],
    filters: { scope: equals('scope'), id: equals('scope_id') },
    // An operator's or pilot's totals hold every site of it: a grant of sites only never places them.
    scoped: (bind, scope, all) =>
      placedAt({
        operators: (ids) => `t.scope_id IN (SELECT r.id FROM api.registry_entities r WHERE r.type = ${bind(all.scope, 'text')} AND r.operator_id = ANY(${ids}))`,
        ...(all.scope === 'site' ? { pilots: (ids: string) => `t.scope_id IN ${sitesOfPilots(ids)}`, sites: (ids: string) => `t.scope_id = ANY(${ids})` } : {}),
        ...(all.scope === 'pilot' ? { pilots: (ids: string) => `t.scope_id = ANY(${ids})` } : {}),
      })(bind, scope, all),
  },
  /** Raw cell samples as load stored them (each identity once). */
  'cell-samples': {
    name: 'cell-samples',
    table: 'load.cell_samples',
    columns: columns({
      cellId: 'text', ts: 'timestamp', intervalMs: 'int', prbDlPct: 'double?', prbUlPct: 'double?', thpDlMbps: 'double?', thpUlMbps: 'double?',
      rrcConnectedUes: 'double?', inferenceRequests: 'bigint?', inferenceTokens: 'bigint?', gpuMs: 'double?', latencyP95Ms: 'double?', ...SAMPLE_TAIL,
    }),
    key: ['ts', 'cellId'],
    filters: { site: equals('site_id'), cell: equals('cell_id') },
    scoped: SAMPLE_PLACING,
  },
  /** Raw GPU samples, per node (the host name DCGM reports) and device. */
  'gpu-samples': {
    name: 'gpu-samples',
    table: 'load.gpu_samples',
    columns: columns({
      node: 'text', device: 'text', ts: 'timestamp', utilPct: 'double?', radioShare: 'double?', aiShare: 'double?', memUsedMib: 'double?', powerW: 'double?', tempC: 'double?', ...SAMPLE_TAIL,
    }),
    key: ['ts', 'node', 'device'],
    filters: { site: equals('site_id'), node: equals('node') },
    scoped: SAMPLE_PLACING,
  },
  /** Records ingest rejected, per the operator whose key sent them (api's read model of the dead-letter topic). */
  'dead-letters': {
    name: 'dead-letters',
    table: 'api.dead_letters',
    columns: columns({
      eventId: 'uuid', operatorId: 'text', siteId: 'text?', keyId: 'text', format: 'text', reason: 'text', errors: 'json', raw: 'json?', rawTruncatedBytes: 'int?', receivedAt: 'timestamp',
    }),
    key: ['receivedAt', 'eventId'],
    filters: { site: equals('site_id') },
    scoped: placedAt({ operators: byOperatorColumn }),
  },
};

export function columnOf(dataset: Dataset, name: string): Column {
  const column = dataset.columns.find((c) => c.name === name);
  if (!column) throw new Error(`dataset ${dataset.name} has no column ${name}`);
  return column;
}
