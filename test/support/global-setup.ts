import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * Before the integration suite: a real Kafka broker (started by the project's own script, or the
 * one already running) and a reachable Postgres. Each test file then isolates itself with its own
 * database and topic prefix (see stack.ts).
 */
export default async function globalSetup(): Promise<void> {
  execFileSync('bash', [join(__dirname, '../../deploy/local/kafka.sh'), 'start'], { stdio: 'inherit' });
  const client = new Client({ connectionString: adminDatabaseUrl(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`Postgres is not reachable at ${adminDatabaseUrl()}: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function adminDatabaseUrl(): string {
  return process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}
