import { createServer, type Server } from 'node:net';
import { ServiceProcess, dropDatabase, freePort, isolate } from './support/stack';

describe('start-up fails fast and says why', () => {
  const isolation = isolate();
  afterAll(() => dropDatabase(isolation));

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
});
