import type { Client } from 'pg';
import { DATASETS, type Column, type Dataset } from '../apps/api/src/history/history.datasets';
import { parseInstant } from '../apps/api/src/history/history.time';
import { type ErrorBody, type ParquetColumn, exportUrl, getJson, parseCsv, readParquet } from './support/history-http';
import { SEEDED_QUERIES } from './support/history-seed';
import { type SeededHistory, startSeededHistory, stopSeededHistory } from './support/seeded-history';
import { type ServiceProcess } from './support/service-process';
import { isolate } from './support/stack';

const ROWS = 3000;
const DAY_MS = 86_400_000;

const CASES = SEEDED_QUERIES;

/** The Parquet physical and converted type each column type must have. */
const PARQUET_TYPES: Record<Column['type'], Pick<ParquetColumn, 'type' | 'convertedType'>> = {
  text: { type: 'BYTE_ARRAY', convertedType: 'UTF8' },
  uuid: { type: 'BYTE_ARRAY', convertedType: 'UTF8' },
  int: { type: 'INT32', convertedType: null },
  bigint: { type: 'INT64', convertedType: null },
  double: { type: 'DOUBLE', convertedType: null },
  boolean: { type: 'BOOLEAN', convertedType: null },
  timestamp: { type: 'INT64', convertedType: 'TIMESTAMP_MICROS' },
  json: { type: 'BYTE_ARRAY', convertedType: 'JSON' },
};

/**
 * CSV and Parquet exports against the database they were read from: every row and every value, types
 * included (instants to the microsecond, 64-bit integers past 2^53, doubles, nulls, JSON), the Parquet file
 * read with hyparquet (not the writer's own library); scoping as in the history routes, and every refusal.
 */
describe('exports: CSV and Parquet, value for value', () => {
  const isolation = isolate();
  const origin = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS - 10 * DAY_MS);
  const range = { from: origin.toISOString(), to: new Date(origin.getTime() + 31 * DAY_MS).toISOString() };
  let seeded: SeededHistory;
  let api: ServiceProcess;
  let db: Client;
  let ops: string;
  let op1: string;
  let partner: string;

  beforeAll(async () => {
    seeded = await startSeededHistory(isolation, origin, () => ROWS);
    ({ api, db, ops, op1, partner } = seeded);
  });

  afterAll(() => stopSeededHistory(seeded));

  /** The dataset's rows straight from its table in key order: instants as µs text, int8 as text, jsonb parsed. */
  async function stored(dataset: Dataset, where = 'true', params: unknown[] = []): Promise<Array<Record<string, unknown>>> {
    const select = dataset.columns.map((c) => (c.type === 'timestamp' ? `(extract(epoch FROM ${c.column}) * 1000000)::int8::text AS "${c.name}"` : `${c.column} AS "${c.name}"`));
    const key = dataset.key.map((name) => dataset.columns.find((c) => c.name === name)!.column);
    const { rows } = await db.query(`SELECT ${select.join(', ')} FROM ${dataset.table} WHERE ${where} ORDER BY ${key.join(', ')}`, params);
    return rows;
  }

  async function download(file: string, params: Record<string, string>, key = ops): Promise<Response> {
    const response = await fetch(exportUrl(api.url, file, { ...range, ...params }), { headers: { authorization: `Bearer ${key}` } });
    if (response.status !== 200) throw new Error(`${file} answered ${response.status}: ${await response.text()}`);
    return response;
  }

  /** A CSV field read back as the database holds it. */
  function fromCsv(c: Column, field: { value: string; quoted: boolean }): unknown {
    if (!field.quoted && field.value === '') return null;
    switch (c.type) {
      case 'timestamp':
        return String(parseInstant(field.value));
      case 'int':
      case 'double':
        return Number(field.value);
      case 'boolean':
        return field.value === 'true';
      case 'json':
        return JSON.parse(field.value);
      default:
        return field.value; // text, uuid, and int8 (as text, exact)
    }
  }

  /** A database value as hyparquet reads it back. */
  function asParquet(c: Column, value: unknown): unknown {
    if (value === null) return null;
    if (c.type === 'timestamp') return { micros: value };
    if (c.type === 'bigint') return { int64: value };
    return value;
  }

  describe.each(CASES)('$route $params', ({ route, params, dataset: name, where }) => {
    const dataset = DATASETS[name];

    it('CSV: RFC 4180 with a header, every row and value as stored', async () => {
      const response = await download(`${route}.csv`, params);
      expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
      expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${route}.csv"`);
      const [header, ...records] = parseCsv(await response.text());
      expect(header.map((f) => f.value)).toEqual(dataset.columns.map((c) => c.name));
      const expected = await stored(dataset, where);
      expect(records).toHaveLength(expected.length);
      expect(records.map((r) => Object.fromEntries(dataset.columns.map((c, i) => [c.name, fromCsv(c, r[i])])))).toEqual(expected);
    });

    it('Parquet: read by hyparquet, every row and value as stored, with the column types', async () => {
      const response = await download(`${route}.parquet`, params);
      expect(response.headers.get('content-type')).toBe('application/vnd.apache.parquet');
      const parquet = await readParquet(new Uint8Array(await response.arrayBuffer()));
      expect(parquet.schema).toEqual(dataset.columns.map((c) => ({ name: c.name, ...PARQUET_TYPES[c.type], repetition: c.nullable ? 'OPTIONAL' : 'REQUIRED' })));
      const expected = await stored(dataset, where);
      expect(parquet.rowCount).toBe(expected.length);
      expect(parquet.rows).toEqual(expected.map((row) => Object.fromEntries(dataset.columns.map((c) => [c.name, asParquet(c, row[c.name])]))));
    });
  });

  it('covers nulls, instants with microseconds, int8 past 2^53 and JSON text needing quotes in what it compared', async () => {
    const { rows } = await db.query(`SELECT count(*) FILTER (WHERE prb_ul_pct IS NULL)::int AS nulls, count(*) FILTER (WHERE inference_tokens > 9007199254740992)::int AS big,
      count(*) FILTER (WHERE extract(microseconds FROM received_at)::int % 1000 <> 0)::int AS micros FROM load.cell_samples`);
    expect(rows[0].nulls).toBeGreaterThan(0);
    expect(rows[0].big).toBeGreaterThan(0);
    expect(rows[0].micros).toBe(ROWS);
  });

  it('a range with nothing in it is a header alone, or a Parquet file of no rows', async () => {
    const empty = { from: range.to, to: range.to };
    const csv = await (await download('cell-samples.csv', empty)).text();
    expect(csv).toBe(`${DATASETS['cell-samples'].columns.map((c) => c.name).join(',')}\r\n`);
    const parquet = await readParquet(new Uint8Array(await (await download('cell-samples.parquet', empty)).arrayBuffer()));
    expect(parquet.rowCount).toBe(0);
  });

  it("an operator key exports its own operator's rows only; another operator's is 403; a partner's 403 until grants exist", async () => {
    const [, ...records] = parseCsv(await (await download('cell-samples.csv', {}, op1)).text());
    const own = await stored(DATASETS['cell-samples'], `operator_id = 'op1'`);
    expect(records.map((r) => r[0].value)).toEqual(own.map((r) => r.cellId));
    const site = parseCsv(await (await download('cell-samples.csv', { site: 'op2-site03' }, op1)).text());
    expect(site).toHaveLength(1); // another operator's site: nothing, not even whether it exists
    const rollups = parseCsv(await (await download('rollups.csv', { scope: 'site' }, op1)).text()).slice(1);
    expect(new Set(rollups.map((r) => r[1].value.split('-')[0]))).toEqual(new Set(['op1']));

    const foreign = await getJson<ErrorBody>(exportUrl(api.url, 'cell-samples.csv', { ...range, operator: 'op2' }), op1);
    expect(foreign).toMatchObject({ status: 403, body: { error: { code: 'OPERATOR_NOT_PERMITTED', details: [{ path: 'query.operator' }] } } });
    const refused = await getJson<ErrorBody>(exportUrl(api.url, 'cell-samples.parquet', range), partner);
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'NO_GRANTS' } } });
  });

  it.each([
    ['no time range', {}, ['query.from', 'query.to']],
    ['a range over 31 days', { from: range.from, to: new Date(origin.getTime() + 31 * DAY_MS + 1).toISOString() }, ['query.to']],
    ['from after to', { from: range.to, to: range.from }, ['query.from']],
    ['a cursor (exports do not page)', { ...range, cursor: 'abc' }, ['query.cursor']],
    ['a limit', { ...range, limit: '10' }, ['query.limit']],
    ['an unknown parameter', { ...range, format: 'csv' }, ['query.format']],
  ])('refuses %s with 400 naming the parameter', async (_what, params, paths) => {
    const { status, body } = await getJson<ErrorBody>(exportUrl(api.url, 'cell-samples.csv', params), ops);
    expect(status).toBe(400);
    expect(body.error.code).toBe('INVALID_QUERY');
    expect(body.error.details!.map((d) => d.path)).toEqual(paths);
  });

  it.each(['cell-samples.xlsx', 'weather.csv', 'cell-samples', 'cell-load-revisions.csv'])('answers 404 for %s, naming the files there are', async (file) => {
    const { status, body } = await getJson<ErrorBody>(exportUrl(api.url, file, range), ops);
    expect(status).toBe(404);
    expect(body.error).toMatchObject({ code: 'UNKNOWN_EXPORT', details: [{ path: 'path.file', message: expect.stringContaining('cell-samples.parquet') }] });
  });

  it('needs a key', async () => {
    expect((await fetch(exportUrl(api.url, 'cell-samples.csv', range))).status).toBe(401);
  });
});
