import type { Client } from 'pg';
import { DATASETS } from '../apps/api/src/history/history.datasets';
import { isoFromMicros } from '../apps/api/src/history/history.time';
import { type ErrorBody, type HistoryPage, allPages, getJson, historyUrl } from './support/history-http';
import { SEEDED_QUERIES, seedHistory } from './support/history-seed';
import { type SeededHistory, startSeededHistory, stopSeededHistory } from './support/seeded-history';
import { ServiceProcess } from './support/service-process';
import { createApiKey, isolate } from './support/stack';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

const CASES = SEEDED_QUERIES;

/**
 * Keyset paging over the real api and database: with rows written and updated between page requests,
 * every row present when paging began comes back exactly once, in key order; the limit's default and
 * bounds, and every refusal of a bad parameter.
 */
describe('history: paging under concurrent writes, and refusals', () => {
  const isolation = isolate();
  const origin = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS - 10 * DAY_MS);
  let seeded: SeededHistory;
  let api: ServiceProcess;
  let db: Client;
  let ops: string;
  let op1: string;
  let partner: string;

  beforeAll(async () => {
    seeded = await startSeededHistory(isolation, origin, (table) => (table === 'cell_samples' ? 2500 : 300));
    ({ api, db, ops, op1, partner } = seeded);
  });

  afterAll(() => stopSeededHistory(seeded));

  /** A row's key as the api writes it (instants as ISO 8601), from the item or from the table. */
  const keyText = (values: unknown[]) => values.join('|');

  it.each(CASES)('$route $params: every row present at the start once, in key order, while rows are written between pages', async ({ route, params, dataset: name, table, where }) => {
    const dataset = DATASETS[name];
    const columns = dataset.key.map((k) => dataset.columns.find((c) => c.name === k)!);
    const range = { from: origin.toISOString(), to: new Date(origin.getTime() + DAY_MS).toISOString() };
    const select = columns.map((c) => (c.type === 'timestamp' ? `(extract(epoch FROM ${c.column}) * 1000000)::int8::text` : `${c.column}::text`));
    const { rows: before } = await db.query(`SELECT ${select.map((s, i) => `${s} AS k${i}`).join(', ')} FROM ${dataset.table} WHERE ${where ?? 'true'} AND ${columns[0].column} >= $1 AND ${columns[0].column} < $2`, [range.from, range.to]);
    const present = before.map((r: Record<string, string>) => keyText(columns.map((c, i) => (c.type === 'timestamp' ? isoFromMicros(r[`k${i}`]) : r[`k${i}`]))));

    const items = await allPages(api.url, route, { ...params, ...range, limit: '23' }, ops, async (page) => {
      // New rows both behind and ahead of the position reached, and an update in place of an existing row.
      await seedHistory(db, table, 5, new Date(origin.getTime() + (page % 2 === 0 ? 30_000 : 200 * MINUTE_MS + 30_000) + page));
      if (table === 'cell_windows') await db.query('UPDATE load.cell_windows SET revision = revision + 1 WHERE ctid = (SELECT ctid FROM load.cell_windows ORDER BY random() LIMIT 1)');
    });
    const seen = items.map((item) => keyText(dataset.key.map((k) => item[k])));
    expect(new Set(seen).size).toBe(seen.length);
    const missing = present.filter((k: string) => !seen.includes(k));
    expect(missing).toEqual([]);
    const times = items.map((item) => Date.parse(item[dataset.key[0]] as string));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(seen.length).toBeGreaterThan(present.length); // some of the rows written meanwhile were ahead, and came too
  });

  it('pages 100 rows by default and at most 1000', async () => {
    const first = await getJson<HistoryPage>(historyUrl(api.url, 'cell-samples'), ops);
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(100);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const large = await getJson<HistoryPage>(historyUrl(api.url, 'cell-samples', { limit: '1000' }), ops);
    expect(large.body.items).toHaveLength(1000);
    // The seed's first minute: exactly 1000 samples, one per cell, so a page of 1000 is the last.
    const last = await getJson<HistoryPage>(historyUrl(api.url, 'cell-samples', { from: origin.toISOString(), to: new Date(origin.getTime() + 1).toISOString(), limit: '1000' }), ops);
    expect(last.body.items).toHaveLength(1000);
    expect(last.body.nextCursor).toBeNull();
  });

  it('a cursor continues only the query that issued it', async () => {
    const { body } = await getJson<HistoryPage>(historyUrl(api.url, 'cell-samples', { site: 'op1-site02', limit: '5' }), ops);
    const again = await getJson<HistoryPage>(historyUrl(api.url, 'cell-samples', { site: 'op1-site02', limit: '50', cursor: body.nextCursor! }), ops);
    expect(again.status).toBe(200);
    const other = await getJson<ErrorBody>(historyUrl(api.url, 'cell-samples', { site: 'op1-site03', cursor: body.nextCursor! }), ops);
    expect(other).toMatchObject({ status: 400, body: { error: { code: 'INVALID_QUERY', details: [{ path: 'query.cursor', message: 'the cursor belongs to a query with other filters or another time range' }] } } });
    const elsewhere = await getJson<ErrorBody>(historyUrl(api.url, 'gpu-samples', { cursor: body.nextCursor! }), ops);
    expect(elsewhere.status).toBe(400);
  });

  it.each([
    ['an unknown parameter', { colour: 'blue' }, 'query.colour', 'UNKNOWN_FIELD'],
    ['from after to', { from: '2026-11-27T01:00:00Z', to: '2026-11-27T00:00:00Z' }, 'query.from', 'INVALID_VALUE'],
    ['a date without a time', { from: '2026-11-27' }, 'query.from', 'INVALID_VALUE'],
    ['a malformed cursor', { cursor: 'eyJub3QiOiJhIGN1cnNvciJ9' }, 'query.cursor', 'INVALID_VALUE'],
    ['a cursor with foreign characters', { cursor: 'a/b' }, 'query.cursor', 'INVALID_VALUE'],
    ['limit 0', { limit: '0' }, 'query.limit', 'INVALID_VALUE'],
    ['limit 1001', { limit: '1001' }, 'query.limit', 'INVALID_VALUE'],
    ['a filter the route does not have', { node: 'x' }, 'query.node', 'UNKNOWN_FIELD'],
    ['revisions other than latest or all', { revisions: 'first' }, 'query.revisions', 'INVALID_VALUE'],
  ])('refuses %s with 400 naming it', async (_what, params, path, code) => {
    const { status, body } = await getJson<ErrorBody>(historyUrl(api.url, 'cell-load', params), ops);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'INVALID_QUERY', details: [{ path, code }] });
  });

  it('rollups need a scope', async () => {
    const { status, body } = await getJson<ErrorBody>(historyUrl(api.url, 'rollups'), ops);
    expect(status).toBe(400);
    expect(body.error.details).toEqual([expect.objectContaining({ path: 'query.scope', code: 'MISSING_FIELD' })]);
  });

  it('scopes by key: an operator its own rows, another operator 403, a partner 403, no key 401', async () => {
    const own = await allPages(api.url, 'cell-samples', { limit: '1000' }, op1);
    expect(own.length).toBeGreaterThan(0);
    expect(new Set(own.map((r) => r.operatorId))).toEqual(new Set(['op1']));
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM load.cell_samples WHERE operator_id = 'op1'`);
    expect(own).toHaveLength(rows[0].n);
    expect((await getJson<HistoryPage>(historyUrl(api.url, 'cell-load', { site: 'op2-site01' }), op1)).body.items).toEqual([]);
    const rollups = await allPages(api.url, 'rollups', { scope: 'pilot', limit: '1000' }, op1);
    expect(new Set(rollups.map((r) => r.scopeId))).toEqual(new Set(['op1-pilot']));
    expect(await getJson<ErrorBody>(historyUrl(api.url, 'dead-letters', { operator: 'op2' }), op1)).toMatchObject({ status: 403, body: { error: { code: 'OPERATOR_NOT_PERMITTED' } } });
    expect(await getJson<ErrorBody>(historyUrl(api.url, 'cell-load'), partner)).toMatchObject({ status: 403, body: { error: { code: 'NO_GRANTS' } } });
    expect((await fetch(historyUrl(api.url, 'cell-load'))).status).toBe(401);
    const narrowed = await getJson<HistoryPage>(historyUrl(api.url, 'cell-samples', { operator: 'op2', limit: '1000' }), ops);
    expect(new Set(narrowed.body.items.map((r) => r.operatorId))).toEqual(new Set(['op2']));
  });

  it("answers 503 for load's history before load ever created its tables", async () => {
    const fresh = isolate();
    const lonely = await ServiceProcess.start('api', fresh.env);
    try {
      const key = (await createApiKey(fresh, 'ops', 'ops-team')).key;
      const { status, body, headers } = await getJson<ErrorBody>(historyUrl(lonely.url, 'cell-load'), key);
      expect({ status, code: body.error.code, retryAfter: headers.get('retry-after') }).toEqual({ status: 503, code: 'HISTORY_UNAVAILABLE', retryAfter: '30' });
      expect((await getJson<HistoryPage>(historyUrl(lonely.url, 'dead-letters'), key)).body).toEqual({ items: [], nextCursor: null });
    } finally {
      await lonely.stop();
    }
  });
});
