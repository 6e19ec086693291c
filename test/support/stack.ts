import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { rememberIsolation } from './isolation-cleanup';
import { RUN_OWNER_ENV, databaseOf, isolationId, topicPrefixOf } from './isolation-names';
import { adminDatabaseUrl } from './test-postgres';
import { generateApiKey } from '@airan/auth';

/** The repository root (holder of nest-cli.json), whether this runs from test/ or compiled in dist/test/. */
export const ROOT = (function findRoot(dir: string): string {
  return existsSync(join(dir, 'nest-cli.json')) ? dir : findRoot(dirname(dir));
})(__dirname);

/**
 * A test run's private corner of the shared broker and Postgres: its own database and topic prefix, named
 * as isolation-names.ts says. Made in a Jest test file, they are removed once the file is done
 * (isolation-environment.ts); made elsewhere (a bench), by their maker, or by the next test run once it exits.
 */
export interface Isolation {
  readonly id: string;
  readonly databaseUrl: string;
  readonly topicPrefix: string;
  readonly env: Record<string, string> & { KAFKA_BROKERS: string };
}

export function isolate(): Isolation {
  // Owned by the test run (the Jest main process), or by this process outside Jest (a bench).
  const id = isolationId(Date.now(), Number(process.env[RUN_OWNER_ENV]) || process.pid, randomBytes(3).toString('hex'));
  rememberIsolation(id);
  const base = new URL(adminDatabaseUrl());
  base.pathname = `/${databaseOf(id)}`;
  const databaseUrl = base.toString();
  const topicPrefix = topicPrefixOf(id);
  // The api's key for alerting's internal routes: every service of a run gets the same one.
  const opsToken = generateApiKey().key;
  return {
    id,
    databaseUrl,
    topicPrefix,
    env: { DATABASE_URL: databaseUrl, KAFKA_TOPIC_PREFIX: topicPrefix, KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092', LOG_LEVEL: 'warn', ALERTING_OPS_TOKEN: opsToken },
  };
}

export async function dropDatabase(isolation: Isolation): Promise<void> {
  const client = new Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${databaseOf(isolation.id)}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Retries `probe` until it stops throwing or the deadline passes (waiting on a condition, not a fixed sleep). */
export async function eventually<T>(probe: () => Promise<T>, timeoutMs = 30_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

/** Creates an API key with the project's own CLI, as an admin would (the api must have started once). */
export async function createApiKey(isolation: Isolation, role: 'admin' | 'ops' | 'partner' | 'operator', subject: string): Promise<{ id: string; key: string }> {
  const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'dist/apps/api/src/cli/keys.cli.js'), 'create', role, subject], {
    env: { ...process.env, DATABASE_URL: isolation.databaseUrl, KAFKA_TOPIC_PREFIX: isolation.topicPrefix },
  });
  return JSON.parse(stdout) as { id: string; key: string };
}

/**
 * Posts to ingest until the operator key is known there: keys travel from the api to ingest over
 * the registry topic, so a brand-new key answers 401 for a moment.
 */
export async function postWithNewKey(url: string, key: string, body: unknown): Promise<Response> {
  return eventually(async () => {
    const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (response.status === 401) throw new Error('key not known to ingest yet');
    return response;
  });
}
