import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { ServiceProcess } from './support/service-process';
import { freePort, isolate } from './support/stack';

const SIMULATOR = join(__dirname, '..', 'dist/apps/simulator/src/main.js');

/** Runs the built simulator to its end with exactly `env` added to a PATH-only environment. */
function runSimulator(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SIMULATOR], { env: { PATH: process.env.PATH, ...env } }, (error, _stdout, stderr) =>
      resolve({ code: error ? (error.code as number | null) : 0, stderr }),
    );
  });
}

describe('start-up fails fast and says why', () => {
  const isolation = isolate();

  it('exits non-zero naming the Kafka address when no broker answers', async () => {
    const port = await freePort(); // reserved, then released: nothing listens there
    const app = ServiceProcess.spawn('ingest', { ...isolation.env, KAFKA_BROKERS: `127.0.0.1:${port}`, KAFKA_CONNECT_TIMEOUT_MS: '500' });
    expect(await app.exitCode()).toBe(1);
    expect(app.logs).toContain(`Kafka unreachable at 127.0.0.1:${port} (KAFKA_BROKERS)`);
  });

  it('exits non-zero naming the Postgres address when the database is unreachable', async () => {
    const port = await freePort(); // reserved, then released: nothing listens there
    const app = ServiceProcess.spawn('load', { ...isolation.env, DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/airan` });
    expect(await app.exitCode()).toBe(1);
    expect(app.logs).toContain(`Postgres unreachable at 127.0.0.1:${port} (DATABASE_URL)`);
  });

  it('exits non-zero naming each malformed variable', async () => {
    const app = ServiceProcess.spawn('alerting', { ...isolation.env, KAFKA_BROKERS: 'not a broker', PORT: 'eighty' });
    expect(await app.exitCode()).toBe(1);
    expect(app.logs).toContain('KAFKA_BROKERS is "not a broker"');
    expect(app.logs).toContain('PORT is "eighty"');
  });

  it('exits non-zero when its HTTP port is taken', async () => {
    const blocker: Server = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const app = ServiceProcess.spawn('api', { ...isolation.env, PORT: String(port) });
      expect(await app.exitCode()).toBe(1);
      expect(app.logs).toContain('EADDRINUSE');
    } finally {
      blocker.close();
    }
  });

  // The four services default every variable; the simulator has one that cannot be defaulted.
  it.each([
    ['missing', {}, 'SIM_KEYS is missing'],
    ['empty, as compose passes it when unset', { SIM_KEYS: '' }, 'SIM_KEYS is ""'],
  ])('the simulator exits non-zero naming SIM_KEYS when it is %s', async (_case, env, named) => {
    const { code, stderr } = await runSimulator(env);
    expect(code).toBe(1);
    expect(stderr).toContain(named);
    expect(stderr).toContain('skt=<key>,kt=<key>,lguplus=<key>');
  });
});

describe('replicas starting together on a new database', () => {
  const isolation = isolate();
  const replicas: ServiceProcess[] = [];

  afterAll(() => Promise.all(replicas.map((r) => r.stop())));

  // Three of each at once, as an orchestrator starts a scaled deployment: each creates its schema and applies
  // its migrations, and none may die of another doing the same at the same instant.
  it('all get ready, and each migration is applied once', async () => {
    replicas.push(...(['alerting', 'load'] as const).flatMap((app) => [1, 2, 3].map(() => ServiceProcess.spawn(app, isolation.env))));
    await Promise.all(replicas.map((r) => r.waitReady()));
    const db = new Client({ connectionString: isolation.databaseUrl });
    await db.connect();
    try {
      for (const schema of ['alerting', 'load']) {
        const { rows } = await db.query(`SELECT name, count(*)::int AS n FROM "${schema}".migrations GROUP BY name`);
        expect(rows.length).toBeGreaterThan(0);
        expect(rows.filter((r) => r.n !== 1)).toEqual([]);
      }
    } finally {
      await db.end();
    }
  });
});
