import { Client, Pool } from 'pg';
import { EXPORT_PLANNER_SETTINGS } from '../apps/api/src/exports/export-cursor.repository';
import { DATASETS, type Dataset, type DatasetName } from '../apps/api/src/history/history.datasets';
import { type PageRequest, type Selection, buildSelect } from '../apps/api/src/history/history.query';
import { forEachConcurrently } from './support/concurrently';
import { type SeededTable, seedHistory, seedRegistryPlacement } from './support/history-seed';
import { startServices } from './support/start-services';
import { isolate } from './support/stack';

const ROWS = 1_000_000;
const HOUR_US = 3_600_000_000n;

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly 'Index Name'?: string;
  readonly Plans?: PlanNode[];
}

function* nodes(plan: PlanNode): Generator<PlanNode> {
  yield plan;
  for (const child of plan.Plans ?? []) yield* nodes(child);
}

/**
 * Every query shape of /v1/history/* and /v1/exports/* (the SQL the api runs, from buildSelect) against a
 * million rows in each table it reads: after ANALYZE, each plan reads the big table through an index, never
 * a sequential scan, and each export streams from an index in key order, without a sort.
 */
describe('history: every query shape uses an index on a million rows', () => {
  const isolation = isolate();
  const origin = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()) - 10 * 86_400_000);
  const originUs = BigInt(origin.getTime()) * 1000n;
  let db: Client;

  beforeAll(async () => {
    // The services create their schemas, tables, indexes and sample partitions, then are not needed.
    const services = await startServices({ api: isolation.env, load: isolation.env });
    await Promise.all(Object.values(services).map((s) => s.stop()));
    db = new Client({ connectionString: isolation.databaseUrl });
    await db.connect();
    // Two tables at a time: each INSERT … SELECT keeps one backend busy, and this box has two cores.
    const seeders = new Pool({ connectionString: isolation.databaseUrl, max: 2 });
    try {
      await forEachConcurrently(['cell_samples', 'cell_window_revisions', 'cell_windows', 'gpu_samples', 'rollup_windows', 'dead_letters'] as SeededTable[], 2, (table) => seedHistory(seeders, table, ROWS, origin));
    } finally {
      await seeders.end();
    }
    await seedRegistryPlacement(db);
    await db.query('ANALYZE');
  }, 600_000);

  afterAll(async () => {
    await db?.end();
  });

  /** Filter values that exist in the seeded fleet, per query parameter. */
  const VALUES: Record<string, string> = { latestPerCell: 'true', pilot: 'op1-pilot', site: 'op1-site07', cell: 'op1-site07-c012', node: 'op1-site07-gpu', id: 'op1-site07' };
  const cursorAt = (dataset: Dataset): string[] =>
    dataset.key.map((name) => ({ windowStart: String(originUs + 5n * HOUR_US), ts: String(originUs + 5n * HOUR_US), receivedAt: String(originUs + 5n * HOUR_US), cellId: 'op1-site07-c012', revision: '0', scopeId: 'op1-site07', node: 'op1-site07-gpu', device: 'gpu3', eventId: '00000000-0000-0000-0000-000000000000' })[name]!);

  /** Each dataset's shapes: no filter, and each filter alone; each for ops (all operators) and for an operator key. */
  function shapes(name: DatasetName): Array<{ label: string; selection: Selection }> {
    const dataset = DATASETS[name];
    const base: Record<string, string> = name === 'rollups' ? { scope: 'site' } : {};
    const filterSets: Array<Record<string, string>> = [base, ...Object.keys(dataset.filters).filter((f) => f !== 'scope').map((f) => ({ ...base, [f]: VALUES[f] }))];
    return filterSets.flatMap((filters) =>
      (['all', ['op1']] as const).map((operators) => ({ label: `${JSON.stringify(filters)} operators=${JSON.stringify(operators)}`, selection: { dataset, filters, scope: { operators } } })),
    );
  }

  async function plan(sql: string, params: unknown[]): Promise<PlanNode> {
    const { rows } = await db.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
    return (rows[0]['QUERY PLAN'] as Array<{ Plan: PlanNode }>)[0].Plan;
  }

  /** Estimated rows of every table and partition (after ANALYZE): the daily sample partitions the seed did not reach are empty. */
  async function rowEstimates(): Promise<Map<string, number>> {
    const { rows } = await db.query(`SELECT c.relname, c.reltuples FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('load', 'api') AND c.relkind = 'r'`);
    return new Map(rows.map((r: { relname: string; reltuples: number }) => [r.relname, Number(r.reltuples)]));
  }

  /**
   * Problems of one plan: a sequential scan of the big table or of a partition holding rows (an empty
   * partition costs nothing to scan), no index read of it, and for exports a sort (an export streams).
   */
  function problems(root: PlanNode, dataset: Dataset, label: string, streamed: boolean, estimates: Map<string, number>): string[] {
    const table = dataset.table.split('.')[1];
    const all = [...nodes(root)];
    const onTable = all.filter((n) => n['Relation Name'] === table || n['Relation Name']?.startsWith(`${table}_`));
    const plan = all.map((n) => `${n['Node Type']}${n['Index Name'] ? `:${n['Index Name']}` : ''}`).join(' | ');
    const found: string[] = [];
    const scanned = onTable.filter((n) => n['Node Type'] === 'Seq Scan' && (estimates.get(n['Relation Name']!) ?? 1) > 0);
    if (scanned.length > 0) found.push(`${label}: Seq Scan on ${scanned.map((n) => n['Relation Name']).join(', ')} (${plan})`);
    if (!onTable.some((n) => ['Index Scan', 'Index Only Scan', 'Bitmap Heap Scan'].includes(n['Node Type']))) found.push(`${label}: no index read (${plan})`);
    if (streamed && all.some((n) => /Sort/.test(n['Node Type']))) found.push(`${label}: sorts (${plan})`);
    return found;
  }

  it.each(Object.keys(DATASETS) as DatasetName[])('%s', async (name) => {
    const estimates = await rowEstimates();
    const found: string[] = [];
    for (const { label, selection } of shapes(name)) {
      const ranged: Selection = { ...selection, from: originUs + HOUR_US, to: originUs + 3n * HOUR_US };
      const pages: Array<[string, Selection, PageRequest]> = [
        ['first page', selection, { limit: 100 }],
        ['first page in a range', ranged, { limit: 100 }],
        ['next page', selection, { limit: 1000, after: cursorAt(selection.dataset) }],
        ['next page in a range', ranged, { limit: 100, after: cursorAt(selection.dataset) }],
      ];
      for (const [what, s, page] of pages) {
        const { sql, params } = buildSelect(s, page);
        found.push(...problems(await plan(sql, params), s.dataset, `${what} ${label}`, false, estimates));
      }
      // Exports: the longest range allowed, no LIMIT, planned under the export sessions' settings.
      const exported = buildSelect({ ...selection, from: originUs, to: originUs + 31n * 24n * HOUR_US });
      for (const [setting, value] of Object.entries(EXPORT_PLANNER_SETTINGS)) await db.query(`SET ${setting} = ${value}`);
      found.push(...problems(await plan(exported.sql, exported.params), selection.dataset, `export ${label}`, true, estimates));
      await db.query('RESET ALL');
    }
    expect(found).toEqual([]);
  });
});
