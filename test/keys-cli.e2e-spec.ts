import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { API_KEY_PATTERN } from '@airan/auth';
import type { ServiceProcess } from './support/service-process';
import { eventually, isolate, postWithNewKey } from './support/stack';
import { startServices } from './support/start-services';

/**
 * The key CLI an admin runs (`npm run keys -- create|revoke …`), as the built process, against a
 * running api and ingest: what it creates and revokes reaches ingest through the registry topic.
 */
describe('keys CLI', () => {
  const isolation = isolate();
  const CLI = join(__dirname, '..', 'dist/apps/api/src/cli/keys.cli.js');
  const SITE = 'skt-seoul-gangnam-01';
  let api: ServiceProcess;
  let ingest: ServiceProcess;

  /** Runs the CLI to its end in this run's database and topic prefix. */
  function keys(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(process.execPath, [CLI, ...args], { env: { ...process.env, DATABASE_URL: isolation.databaseUrl, KAFKA_TOPIC_PREFIX: isolation.topicPrefix } }, (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
      );
    });
  }

  const heartbeat = () => ({ records: [{ type: 'heartbeat', siteId: SITE, ts: new Date().toISOString() }] });
  const post = (key: string) =>
    fetch(`${ingest.url}/v1/telemetry`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(heartbeat()) });

  beforeAll(async () => {
    // The api owns the key tables (it migrates them) and relays the CLI's registry events to ingest.
    ({ api, ingest } = await startServices({ api: isolation.env, ingest: isolation.env }));
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), ingest?.stop()]);
  });

  it('creates an operator key that ingest accepts, and revokes it so that ingest refuses it', async () => {
    const created = await keys('create', 'operator', 'skt', 'gangnam gateway');
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const issued = JSON.parse(created.stdout) as { id: string; key: string; role: string; subject: string };
    expect(issued).toMatchObject({ role: 'operator', subject: 'skt' });
    expect(API_KEY_PATTERN.exec(issued.key)?.[1]).toBe(issued.id);

    const accepted = await postWithNewKey(`${ingest.url}/v1/telemetry`, issued.key, heartbeat());
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toMatchObject({ accepted: 1, rejected: 0 });

    expect(await keys('revoke', issued.id)).toMatchObject({ code: 0, stdout: '', stderr: '' });
    // The revocation travels api outbox → registry topic → ingest: wait for ingest's answer to change.
    const refused = await eventually(async () => {
      const response = await post(issued.key);
      if (response.status !== 401) throw new Error(`ingest still answers ${response.status}`);
      return response;
    });
    expect(await refused.json()).toMatchObject({ error: { code: 'INVALID_CREDENTIALS' } });

    const again = await keys('revoke', issued.id);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`no active key "${issued.id}"`);
  });

  it.each([
    ['an unknown command', ['rotate', 'abc'], 'usage: keys create <role> <subject> [name] | keys revoke <id>'],
    ['no command', [], 'usage: keys create <role> <subject> [name] | keys revoke <id>'],
    ['revoke without an id', ['revoke'], 'usage: keys create <role> <subject> [name] | keys revoke <id>'],
    ['create without a subject', ['create', 'operator'], '"path":"$.subject"'],
    ['create with an unknown role', ['create', 'root', 'me'], '"path":"$.role"'],
    ['an operator key for an operator not in the registry', ['create', 'operator', 'nobody'], 'no operator "nobody" in the registry'],
  ])('exits 1 with a message on %s', async (_case, args, message) => {
    const result = await keys(...args);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toContain(message);
  });
});
