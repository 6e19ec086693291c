import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { ServiceProcess, createApiKey, dropDatabase, eventually, freePort, isolate, postWithNewKey } from './support/stack';

const run = promisify(execFile);
const KAFKA_SCRIPT = join(__dirname, '../deploy/local/kafka.sh');

/**
 * Durable before acknowledged: with the broker stopped, ingest answers 503 with Retry-After in
 * bounded time and never 2xx; after the broker returns, the client's retry lands exactly once.
 * Runs its own broker so stopping it disturbs no other test.
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
    await dropDatabase(isolation);
  });

  it('answers 503 with Retry-After while down, then the retried batch counts once', async () => {
    const { key } = await createApiKey(isolation, 'operator', 'lguplus');
    const site = 'lguplus-seoul-sinchon-01';
    const cell = `${site}-c2`;
    const windowStart = Math.floor(Date.now() / 60_000) * 60_000 - 120_000;
    const at = (ms: number) => new Date(windowStart + ms).toISOString();
    const batch = {
      records: [
        ...[15_000, 30_000, 45_000, 60_000].map((offset) => ({ type: 'cell', siteId: site, cellId: cell, ts: at(offset), intervalMs: 15_000, gpuMs: 1000, inferenceRequests: 5 })),
        { type: 'heartbeat', siteId: site, ts: at(60_000) },
      ],
    };
    const url = `${ingest.url}/v1/telemetry`;
    const post = () => fetch(url, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(batch), signal: AbortSignal.timeout(20_000) });
    // The key is known to ingest (it answers something other than 401) before the broker goes away.
    expect((await postWithNewKey(url, key, { records: [{ type: 'heartbeat', siteId: site, ts: at(1000) }] })).status).toBe(202);

    await broker('stop');
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await post();
      expect(response.status).toBe(503);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await response.json()).toMatchObject({ error: { code: 'KAFKA_UNAVAILABLE' } });
    }
    expect((await fetch(`${ingest.url}/health/ready`)).status).toBe(503);

    // While one batch waits for the absent broker, memory is bounded: the next is refused at once.
    const waiting = post();
    await eventually(async () => {
      const metrics = await (await fetch(`${ingest.url}/metrics`)).text();
      if (!/^airan_ingest_inflight_records 5$/m.test(metrics)) throw new Error('first batch not held yet');
    });
    const refused = await post();
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toMatchObject({ error: { code: 'OVERLOADED' } });
    expect((await waiting).status).toBe(503);

    await broker('start');
    const accepted = await eventually(async () => {
      const response = await post();
      if (response.status !== 202) throw new Error(`still ${response.status}`);
      return response.json();
    }, 60_000);
    expect(accepted).toMatchObject({ accepted: 5, rejected: 0 });

    const db = new Client({ connectionString: isolation.databaseUrl });
    await db.connect();
    try {
      const window = await eventually(async () => {
        const { rows } = await db.query('SELECT sample_count, requests, revision FROM load.cell_windows WHERE cell_id = $1', [cell]);
        if (rows.length === 0) throw new Error('window not closed yet');
        return rows[0];
      }, 60_000);
      // However many of the refused attempts Kafka ended up holding, each sample counts once.
      expect(window).toEqual({ sample_count: 4, requests: '20', revision: 0 });
      const { rows } = await db.query('SELECT count(*)::int AS n FROM load.cell_samples WHERE cell_id = $1', [cell]);
      expect(rows[0].n).toBe(4);
    } finally {
      await db.end();
    }
  });
});
