import { Client } from 'pg';
import { seedHistory } from '../support/history-seed';
import { peakRssMbOf, rssMbOf } from '../support/process-stats';
import { startServices } from '../support/start-services';
import { createApiKey, dropDatabase, isolate } from '../support/stack';

const DAY_MS = 86_400_000;

export interface ExportRun {
  readonly format: 'csv' | 'parquet';
  readonly rows: number;
  readonly bytes: number;
  readonly seconds: number;
  readonly rowsPerSec: number;
  /** Largest RSS of the api sampled every 100 ms during this export, and its RSS before it. */
  readonly peakRssMb: number;
  readonly idleRssMb: number;
}

/** Latency of one kind of history page request over the same rows. */
export interface QueryRun {
  readonly query: string;
  readonly requests: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly maxMs: number;
}

export interface ExportBenchResult {
  readonly rows: number;
  readonly runs: ExportRun[];
  readonly queries: QueryRun[];
  /** VmHWM of the api over the whole phase. */
  readonly apiPeakRssMb: number;
}

/**
 * Exports (docs/performance.md "Exports"): `rows` cell samples seeded by SQL, then
 * `GET /v1/exports/cell-samples.csv` and `.parquet` each read to the end by a client as fast as it can:
 * rows/s end to end and the api's RSS while it streams.
 */
export async function benchExports(rows: number, progress: (format: string, done: number) => void): Promise<ExportBenchResult> {
  const isolation = isolate();
  const env = { ...isolation.env, LOG_LEVEL: 'error' };
  const services = await startServices({ api: env, load: env });
  await services.load.stop(); // it created its tables and sample partitions; the rows come from the seed
  const api = services.api;
  const origin = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS - 10 * DAY_MS);
  const db = new Client({ connectionString: isolation.databaseUrl });
  try {
    await db.connect();
    await seedHistory(db, 'cell_samples', rows, origin);
    await db.query('ANALYZE load.cell_samples');
    const { key } = await createApiKey(isolation, 'ops', 'bench');
    const range = new URLSearchParams({ from: origin.toISOString(), to: new Date(origin.getTime() + 31 * DAY_MS).toISOString() });
    const runs: ExportRun[] = [];
    for (const format of ['csv', 'parquet'] as const) {
      const idleRssMb = rssMbOf(api.pid)!;
      let peakRssMb = idleRssMb;
      const sampler = setInterval(() => (peakRssMb = Math.max(peakRssMb, rssMbOf(api.pid) ?? 0)), 100);
      const started = performance.now();
      let bytes = 0;
      try {
        const response = await fetch(`${api.url}/v1/exports/cell-samples.${format}?${range}`, { headers: { authorization: `Bearer ${key}` } });
        if (response.status !== 200) throw new Error(`export answered ${response.status}: ${await response.text()}`);
        // About 200 bytes a row as CSV, 15 as Parquet: progress by bytes is a rough guide.
        const expected = rows * (format === 'csv' ? 200 : 15);
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          bytes += chunk.length;
          progress(format, bytes / expected);
        }
      } finally {
        clearInterval(sampler);
      }
      const seconds = (performance.now() - started) / 1000;
      runs.push({ format, rows, bytes, seconds, rowsPerSec: rows / seconds, peakRssMb, idleRssMb });
    }
    const queries = await benchQueries(api.url, key, origin);
    return { rows, runs, queries, apiPeakRssMb: peakRssMbOf(api.pid) ?? NaN };
  } finally {
    await db.end().catch(() => undefined);
    await api.stop();
    await dropDatabase(isolation);
  }
}

const QUERY_REQUESTS = 100;

/**
 * `GET /v1/history/cell-samples` over the seeded rows, one request at a time: paging through the whole range
 * (1,000 rows a page, each page after the last's cursor: the keyset's index range scan), one cell's samples,
 * and one site's latest page far into the range.
 */
async function benchQueries(url: string, key: string, origin: Date): Promise<QueryRun[]> {
  const get = async (query: Record<string, string>): Promise<{ ms: number; nextCursor: string | null }> => {
    const started = performance.now();
    const response = await fetch(`${url}/v1/history/cell-samples?${new URLSearchParams(query)}`, { headers: { authorization: `Bearer ${key}` } });
    const body = (await response.json()) as { nextCursor: string | null };
    if (response.status !== 200) throw new Error(`history answered ${response.status}: ${JSON.stringify(body)}`);
    return { ms: performance.now() - started, nextCursor: body.nextCursor };
  };
  const from = origin.toISOString();
  const late = new Date(origin.getTime() + 500 * 60_000).toISOString();
  const runs: Array<[string, () => Promise<number[]>]> = [
    [
      `whole range, limit 1000, ${QUERY_REQUESTS} pages in cursor order`,
      async () => {
        const times: number[] = [];
        let cursor: string | null = null;
        for (let i = 0; i < QUERY_REQUESTS; i++) {
          const page: { ms: number; nextCursor: string | null } = await get({ from, limit: '1000', ...(cursor ? { cursor } : {}) });
          times.push(page.ms);
          cursor = page.nextCursor;
          if (!cursor) break;
        }
        return times;
      },
    ],
    ['one cell (cell=op0-site00-c000), limit 100', () => repeat(() => get({ from, cell: 'op0-site00-c000', limit: '100' }))],
    ['one site from minute 500 (site=op1-site03&from=…), limit 100', () => repeat(() => get({ from: late, site: 'op1-site03', limit: '100' }))],
  ];
  const results: QueryRun[] = [];
  for (const [query, run] of runs) {
    const times = (await run()).sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
    results.push({ query, requests: times.length, p50Ms: at(0.5), p95Ms: at(0.95), maxMs: times[times.length - 1] });
  }
  return results;
}

async function repeat(request: () => Promise<{ ms: number }>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < QUERY_REQUESTS; i++) times.push((await request()).ms);
  return times;
}

export function exportsTable(r: ExportBenchResult): string {
  return [
    `Exports: GET /v1/exports/cell-samples.<format> of ${r.rows.toLocaleString('en')} stored rows (one time range), read to the end as fast as the client can; api peak RSS over the phase ${r.apiPeakRssMb.toFixed(0)} MB`,
    '',
    '| format | rows | MB | seconds | rows/s | api RSS before, MB | api peak RSS during, MB |',
    '|---|---|---|---|---|---|---|',
    ...r.runs.map((x) => `| ${x.format} | ${x.rows.toLocaleString('en')} | ${(x.bytes / 1e6).toFixed(1)} | ${x.seconds.toFixed(1)} | ${Math.round(x.rowsPerSec).toLocaleString('en')} | ${x.idleRssMb.toFixed(0)} | ${x.peakRssMb.toFixed(0)} |`),
    '',
    `History pages: GET /v1/history/cell-samples over the same rows, one request at a time (client-measured, JSON parsed)`,
    '',
    '| query | requests | p50 ms | p95 ms | max ms |',
    '|---|---|---|---|---|',
    ...r.queries.map((q) => `| ${q.query} | ${q.requests} | ${q.p50Ms.toFixed(1)} | ${q.p95Ms.toFixed(1)} | ${q.maxMs.toFixed(1)} |`),
  ].join('\n');
}
