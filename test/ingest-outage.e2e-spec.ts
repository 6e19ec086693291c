import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import type { TelemetryReport } from '@airan/contracts';
import { ServiceProcess } from './support/service-process';
import { createApiKey, eventually, freePort, isolate, postWithNewKey } from './support/stack';
import { TopicReader } from './support/topic-reader';

const run = promisify(execFile);
const KAFKA_SCRIPT = join(__dirname, '../deploy/local/kafka.sh');

/**
 * Durable before acknowledged, in bounded memory: with the broker stopped, ingest answers 503 with
 * Retry-After and never 2xx; a send it stopped waiting for keeps its records counted while kafkajs
 * retries it, so further requests are refused at once; after the broker returns, what got 2xx lands
 * exactly once and what was refused never. Runs its own broker so stopping it disturbs no other test.
 */
describe('ingest while the broker is down', () => {
  const isolation = isolate();
  const services: ServiceProcess[] = [];
  let brokerEnv: Record<string, string>;
  let ingest: ServiceProcess;

  const broker = (command: 'start' | 'stop') => run('bash', [KAFKA_SCRIPT, command], { env: { ...process.env, ...brokerEnv } });

  beforeAll(async () => {
    const [port, controllerPort] = [await freePort(), await freePort()];
    brokerEnv = { KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(controllerPort), KAFKA_HEAP_OPTS: '-Xms128m -Xmx384m' };
    await broker('start');
    const env = { ...isolation.env, KAFKA_BROKERS: `127.0.0.1:${port}`, INGEST_KAFKA_TIMEOUT_MS: '1500', INGEST_MAX_INFLIGHT_RECORDS: '5', LOAD_WINDOW_MS: '60000', LOAD_OUT_OF_ORDER_MS: '0' };
    services.push(...(await Promise.all([ServiceProcess.start('api', env), ServiceProcess.start('ingest', env), ServiceProcess.start('load', env)])));
    ingest = services[1];
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await broker('stop').catch(() => undefined);
    await rm(join(process.env.AIRAN_HOME ?? join(homedir(), '.cache/airan'), `kafka-data-${brokerEnv.KAFKA_PORT}`), { recursive: true, force: true });
  });

  it('keeps abandoned sends in the in-flight budget, refusing more with 503 until the broker is back; 2xx lands once, refused never', async () => {
    const { key } = await createApiKey(isolation, 'operator', 'lguplus');
    const site = 'lguplus-seoul-sinchon-01';
    const windowStart = Math.floor(Date.now() / 60_000) * 60_000 - 120_000;
    const at = (ms: number) => new Date(windowStart + ms).toISOString();
    const cells = (cellId: string, offsets: number[]) => offsets.map((offset) => ({ type: 'cell', siteId: site, cellId, ts: at(offset), intervalMs: 15_000, gpuMs: 1000, inferenceRequests: 5 }));
    // Five records: the whole budget.
    const retried = { cell: `${site}-c2`, batch: { records: [...cells(`${site}-c2`, [15_000, 30_000, 45_000, 60_000]), { type: 'heartbeat', siteId: site, ts: at(60_000) }] } };
    // Two records each: they fit the budget on their own, so only what is held can refuse them.
    const refused = [1, 2, 3].map((n) => ({ cell: `${site}-refused${n}`, batch: { records: cells(`${site}-refused${n}`, [15_000, 30_000]) } }));
    // Not a registry cell: sharing no GPU node with c2, it cannot re-open c2's window (a revision).
    const after = { cell: `${site}-after`, batch: { records: cells(`${site}-after`, [15_000, 30_000, 45_000, 60_000]) } };
    const url = `${ingest.url}/v1/telemetry`;
    // Every answer must come back: a request that hangs fails here, with a bound far above the 1.5 s deadline.
    const post = (batch: object) =>
      fetch(url, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(batch), signal: AbortSignal.timeout(30_000) });
    const inflight = async () => Number(/^airan_ingest_inflight_records (\d+)$/m.exec(await (await fetch(`${ingest.url}/metrics`)).text())?.[1]);
    // The key is known to ingest (it answers something other than 401) before the broker goes away.
    expect((await postWithNewKey(url, key, { records: [{ type: 'heartbeat', siteId: site, ts: at(1000) }] })).status).toBe(202);

    await broker('stop');
    const abandoned = await post(retried.batch);
    expect(abandoned.status).toBe(503);
    expect(Number(abandoned.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await abandoned.json()).toMatchObject({ error: { code: 'KAFKA_UNAVAILABLE', message: expect.stringContaining('no acknowledgement within 1500 ms') } });
    // Answered, yet kafkajs still retries the send with its five records in memory.
    expect(await inflight()).toBe(5);
    for (const { batch } of refused) {
      const response = await post(batch);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(await response.json()).toMatchObject({ error: { code: 'OVERLOADED' } });
    }
    expect((await fetch(`${ingest.url}/health/ready`)).status).toBe(503);

    await broker('start');
    // The client retries until it gets 2xx; until then every answer is a 503 with Retry-After.
    const refusals: Array<{ status: number; retryAfter: string | null }> = [];
    const accepted = await eventually(async () => {
      const response = await post(retried.batch);
      if (response.status === 202) return response.json();
      refusals.push({ status: response.status, retryAfter: response.headers.get('retry-after') });
      throw new Error(`still ${response.status}`);
    }, 60_000);
    expect(accepted).toMatchObject({ accepted: 5, rejected: 0 });
    expect(refusals).toEqual(refusals.map(() => ({ status: 503, retryAfter: expect.stringMatching(/^[1-9]\d*$/) })));
    expect((await post(after.batch)).status).toBe(202);
    // Every abandoned send has settled, acknowledged or given up, and released its records.
    await eventually(async () => {
      if ((await inflight()) !== 0) throw new Error('sends still held');
    });

    const db = new Client({ connectionString: isolation.databaseUrl });
    await db.connect();
    try {
      const stored = async (cell: string) => (await db.query('SELECT count(*)::int AS n FROM load.cell_samples WHERE cell_id = $1', [cell])).rows[0].n as number;
      // The site's reports share a partition, so once the last batch is stored everything before it was read.
      await eventually(async () => {
        if ((await stored(after.cell)) < 4) throw new Error('last batch not stored yet');
      }, 60_000);
      const window = await eventually(async () => {
        const { rows } = await db.query('SELECT sample_count, requests, revision FROM load.cell_windows WHERE cell_id = $1', [retried.cell]);
        if (rows.length === 0) throw new Error('window not closed yet');
        return rows[0];
      }, 60_000);
      // However many attempts Kafka ended up holding, each sample counts once.
      expect(window).toEqual({ sample_count: 4, requests: '20', revision: 0 });
      expect(await stored(retried.cell)).toBe(4);
      expect(await stored(after.cell)).toBe(4);
      for (const { cell } of refused) expect(await stored(cell)).toBe(0);
    } finally {
      await db.end();
    }
    const telemetry = await TopicReader.open<TelemetryReport>(`${isolation.topicPrefix}airan.telemetry.v1`, [`127.0.0.1:${brokerEnv.KAFKA_PORT}`]);
    try {
      await eventually(async () => {
        if (!telemetry.messages.some((m) => m.value.cells.some((c) => c.cellId === after.cell))) throw new Error('last batch not read yet');
      });
      const refusedCells = new Set(refused.map((r) => r.cell));
      expect(telemetry.messages.filter((m) => m.value.cells.some((c) => refusedCells.has(c.cellId)))).toEqual([]);
    } finally {
      await telemetry.close();
    }
    // A broker stop and start (a JVM start, up to a minute on a small machine) plus the consumers' rejoin.
  }, 300_000);
});
