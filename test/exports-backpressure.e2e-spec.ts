import { type IncomingMessage, get } from 'node:http';
import { Client } from 'pg';
import { EXPORT_APPLICATION_NAME } from '../apps/api/src/exports/export-cursor.repository';
import { type ErrorBody, exportUrl, getJson, readParquet } from './support/history-http';
import { seedHistory } from './support/history-seed';
import { bytesMovedOf, rssMbOf } from './support/process-stats';
import { ServiceProcess } from './support/service-process';
import { startServices } from './support/start-services';
import { createApiKey, eventually, isolate } from './support/stack';

const ROWS = 1_000_000;
const DAY_MS = 86_400_000;

/** An export read by a client that can stop and resume reading (the response paused: the socket stops reading). */
class ExportClient {
  received = 0;
  private readonly chunks: Buffer[] = [];

  private constructor(
    readonly response: IncomingMessage,
    private readonly keep: boolean,
  ) {
    response.on('data', (chunk: Buffer) => {
      this.received += chunk.length;
      if (keep) this.chunks.push(chunk);
      else this.lines += countLines(chunk);
    });
  }

  lines = 0;

  static open(url: string, key: string, keep: boolean): Promise<ExportClient> {
    return new Promise((resolve, reject) => get(url, { headers: { authorization: `Bearer ${key}` } }, (res) => resolve(new ExportClient(res, keep))).on('error', reject));
  }

  /** Resolves once the response ended complete (rejects if it was cut off). */
  finished(): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (this.response.complete) resolve(Buffer.concat(this.chunks));
      this.response.once('end', () => resolve(Buffer.concat(this.chunks)));
      this.response.once('aborted', () => reject(new Error('export cut off')));
      this.response.once('error', reject);
    });
  }
}

const countLines = (chunk: Buffer) => {
  let n = 0;
  for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) n++;
  return n;
};

/**
 * Exports at the client's pace, against a million stored rows (about 200 MB of CSV): a client that stops
 * reading stalls the query (its Postgres backend stays, waiting for the api to ask for more rows, and writes
 * nothing) while the api's memory stays flat; resumed, every row arrives. A second export meanwhile is
 * refused (API_EXPORT_MAX_CONCURRENT=1), and a client that stays stalled past API_EXPORT_STALL_TIMEOUT_MS
 * is cut off, releasing the query.
 */
describe('exports: backpressure from the socket to the query', () => {
  const isolation = isolate();
  const origin = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS - 10 * DAY_MS);
  const range = { from: origin.toISOString(), to: new Date(origin.getTime() + 2 * DAY_MS).toISOString() };
  let api: ServiceProcess;
  let db: Client;
  let ops: string;

  beforeAll(async () => {
    // The stall checks wait for the api to go quiet (up to 120 s on a busy machine) and then watch it for 25
    // polls more: far past the default stall timeout (60 s), which would cut the export off mid-check. The
    // cut-off has its own test, on an api of its own.
    const services = await startServices({ api: { ...isolation.env, API_EXPORT_MAX_CONCURRENT: '1', API_EXPORT_STALL_TIMEOUT_MS: '600000' }, load: isolation.env });
    api = services.api;
    await services.load.stop();
    db = new Client({ connectionString: isolation.databaseUrl });
    await db.connect();
    await seedHistory(db, 'cell_samples', ROWS, origin);
    await db.query('ANALYZE load.cell_samples');
    ops = (await createApiKey(isolation, 'ops', 'ops-team')).key;
  }, 300_000);

  afterAll(async () => {
    await db?.end();
    await api?.stop();
  });

  /** The export's Postgres backend, if any: its pid, state and what it waits for. */
  async function backend(): Promise<{ pid: number; state: string; wait_event: string | null } | undefined> {
    const { rows } = await db.query('SELECT pid, state, wait_event FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()', [EXPORT_APPLICATION_NAME]);
    return rows[0];
  }

  /**
   * Waits until the api has moved (read or written) less than 32 KiB in each of `polls` polls in a row, 200 ms
   * apart: no rows from Postgres, nothing to the client, only the odd Kafka heartbeat. Returns the largest RSS
   * (MiB) seen over those polls.
   */
  async function stalled(polls: number): Promise<number> {
    let last: number | undefined;
    let streak = 0;
    let rss = 0;
    await eventually(
      async () => {
        const moved = bytesMovedOf(api.pid)!;
        const still = last !== undefined && moved - last < 32 * 1024;
        streak = still ? streak + 1 : 0;
        rss = still ? Math.max(rss, rssMbOf(api.pid)!) : 0;
        last = moved;
        if (streak < polls) throw new Error(`api moved ${moved} bytes so far, still for ${streak} polls`);
      },
      120_000,
      200,
    );
    return rss;
  }

  /**
   * What the api may hold above its idle RSS once stalled: the rows already handed to the kernel's socket
   * buffers (megabytes) were fetched, encoded and left as garbage for the next collection; Parquet's row-group
   * shredding leaves more of it than CSV. Either is far below the export itself (about 200 MB as CSV).
   */
  const HELD_MB = { csv: 96, parquet: 192 };

  it.each(['csv', 'parquet'] as const)('%s: stalls with the client, memory flat, then delivers every row', async (format) => {
    const baseline = rssMbOf(api.pid)!;
    const client = await ExportClient.open(exportUrl(api.url, `cell-samples.${format}`, range), ops, format === 'parquet');
    try {
      await stallAndResume(format, client, baseline);
    } finally {
      client.response.destroy(); // a failed check must not leave the export holding its query for the next test
    }
  });

  async function stallAndResume(format: 'csv' | 'parquet', client: ExportClient, baseline: number): Promise<void> {
    expect(client.response.statusCode).toBe(200);
    await eventually(async () => {
      if (client.received < 1024 * 1024) throw new Error(`${client.received} bytes received`);
    });
    client.response.pause();

    const atStall = await stalled(10);
    const alive = await backend();
    // Alive and waiting: its query is still running, waiting for the api to ask for more rows.
    expect(alive).toMatchObject({ state: 'active', wait_event: 'ClientRead' });
    const busy = await getJson<ErrorBody>(exportUrl(api.url, 'cell-samples.csv', range), ops);
    expect({ status: busy.status, code: busy.body.error.code, retryAfter: busy.headers.get('retry-after') }).toEqual({ status: 503, code: 'EXPORTS_BUSY', retryAfter: '5' });
    const later = await stalled(25);
    expect((await backend())?.pid).toBe(alive!.pid);
    // Flat: garbage collection moves RSS by some megabytes either way, nothing grows with the rows left.
    expect({ baseline, atStall, later, flat: later - atStall < 32, held: atStall - baseline < HELD_MB[format] }).toEqual({ baseline, atStall, later, flat: true, held: true });

    client.response.resume();
    const body = await client.finished();
    if (format === 'csv') {
      expect(client.lines).toBe(ROWS + 1); // the header and every row
    } else {
      const parquet = await readParquet(body, true);
      expect(parquet.rowCount).toBe(ROWS);
      expect(parquet.rows.at(-1)).toMatchObject({ ts: { micros: String(BigInt(origin.getTime() + 999 * 60_000) * 1000n) } });
    }
    await eventually(async () => {
      if (await backend()) throw new Error('export backend still there');
    });
  }

  it('cuts off a client that stays stalled past the stall timeout, releasing the query', async () => {
    const impatient = await ServiceProcess.start('api', { ...isolation.env, API_EXPORT_STALL_TIMEOUT_MS: '1500' });
    try {
      const client = await ExportClient.open(exportUrl(impatient.url, 'cell-samples.csv', range), ops, false);
      const outcome = client.finished().then(() => 'complete', () => 'cut off');
      expect(client.response.statusCode).toBe(200);
      client.response.pause();
      await eventually(async () => {
        if (await backend()) throw new Error('export backend still there');
      }, 60_000);
      client.response.resume();
      expect(await outcome).toBe('cut off');
      expect(client.lines).toBeLessThan(ROWS);
    } finally {
      await impatient.stop();
    }
  });
});
