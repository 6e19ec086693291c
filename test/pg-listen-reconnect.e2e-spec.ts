import { Client } from 'pg';
import { adminDatabaseUrl } from './support/test-postgres';
import { metricTotal } from './support/metrics';
import { ServiceProcess } from './support/service-process';
import { eventually, isolate } from './support/stack';

type Readiness = { status: string; checks: Record<string, { status: string; error?: string }> };

/**
 * The LISTEN connections that wake alerting's outbox relay and notification dispatcher, against the
 * built service and the real Postgres: a terminated backend is listened on again by a new one, and
 * while it cannot be, `/health/ready` says so.
 */
describe('LISTEN connections that come back', () => {
  const isolation = isolate();
  const channels = ['airan_outbox_alerting', 'airan_notify_alerting'];
  const database = new URL(isolation.databaseUrl).pathname.slice(1);
  const admin = new Client({ connectionString: adminDatabaseUrl() });
  let alerting: ServiceProcess;

  /** The backend listening on each channel (pg_stat_activity keeps a session's last statement). */
  const listeners = async () => {
    const { rows } = await admin.query<{ pid: number; query: string }>("SELECT pid, query FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'LISTEN %'", [database]);
    return new Map(rows.map((row) => [row.query.slice('LISTEN '.length), row.pid]));
  };
  const readiness = async () => {
    const response = await fetch(`${alerting.url}/health/ready`);
    return { status: response.status, body: (await response.json()) as Readiness };
  };

  beforeAll(async () => {
    await admin.connect();
    alerting = await ServiceProcess.start('alerting', isolation.env);
  });

  afterAll(async () => {
    await admin.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS true`).catch(() => undefined);
    await alerting?.stop();
    await admin.end();
  });

  it('reports each LISTEN connection in /health/ready', async () => {
    const { status, body } = await readiness();
    expect(status).toBe(200);
    for (const channel of channels) expect(body.checks[`listen:${channel}`]).toMatchObject({ status: 'ok' });
    expect([...(await listeners()).keys()].sort()).toEqual([...channels].sort());
  });

  it('listens again on a new backend after its backend is terminated', async () => {
    const before = await listeners();
    const reconnects = await metricTotal(alerting.url, 'airan_pg_listen_reconnects_total');
    await admin.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [[...before.values()]]);
    const after = await eventually(async () => {
      const now = await listeners();
      for (const channel of channels) if (!now.has(channel) || now.get(channel) === before.get(channel)) throw new Error(`${channel} not listened on again yet`);
      return now;
    });
    expect([...after.keys()].sort()).toEqual([...channels].sort());
    // Counted once the client has LISTEN's answer, a moment after the server shows the statement.
    await eventually(async () => expect(await metricTotal(alerting.url, 'airan_pg_listen_reconnects_total')).toBe(reconnects + channels.length));
    await eventually(async () => expect((await readiness()).status).toBe(200));
  });

  it('is not ready, naming the connection, while it cannot listen, and recovers when Postgres lets it', async () => {
    // No new connection to the service's database is allowed (superusers included): reconnection keeps failing.
    await admin.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS false`);
    await admin.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [[...(await listeners()).values()]]);
    // Each connection notices its own end: wait until both have, not for the first 503.
    await eventually(async () => {
      const { status, body } = await readiness();
      expect(status).toBe(503);
      for (const channel of channels) expect(body.checks[`listen:${channel}`]).toMatchObject({ status: 'down', error: expect.stringMatching(new RegExp(`^LISTEN ${channel}: reconnecting since \\d{4}-`)) });
    });

    await admin.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS true`);
    await eventually(async () => {
      const { status, body } = await readiness();
      expect(status).toBe(200);
      for (const channel of channels) expect(body.checks[`listen:${channel}`]).toMatchObject({ status: 'ok' });
    }, 30_000);
  });
});
