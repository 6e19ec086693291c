import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { processExists, sweepLeftovers } from './isolation-cleanup';
import { RUN_OWNER_ENV } from './isolation-names';
import { keepStartedInfra, selectTestInfra, takeStartedInfra } from './test-infra';
import { adminDatabaseUrl } from './test-postgres';

/**
 * Before the integration suite: a real Kafka broker and a reachable Postgres, from one of two places
 * (test-infra.ts decides which):
 *   containers  Kafka and Postgres started with testcontainers when a Docker engine is detected (or
 *               AIRAN_TESTCONTAINERS=1); KAFKA_BROKERS and TEST_POSTGRES_URL are pointed at them here,
 *               so test workers and the service processes they spawn inherit them. global-teardown.ts
 *               stops them.
 *   local       the project's own broker (started by deploy/local/kafka.sh, or the one already
 *               running), reached as its internal principal (KAFKA_SASL_*, which the services inherit
 *               too), and the Postgres at TEST_POSTGRES_URL.
 * Each test file then isolates itself with its own database and topic prefix (see stack.ts), owned by
 * this process, and removes them when done (isolation-environment.ts). Runs that died before doing so
 * (Ctrl-C) left theirs behind: those are removed here, first.
 */
export default async function globalSetup(): Promise<void> {
  const selection = selectTestInfra(process.env, existsSync);
  process.stderr.write(`[test-infra] Kafka and Postgres: ${selection.mode} (${selection.reason})\n`);
  if (selection.mode === 'containers') {
    // Loaded only here: the local path (and every test file importing stack.ts) never loads testcontainers.
    const { startTestContainers } = await import('./test-infra.containers');
    const infra = await startTestContainers({ reason: selection.reason });
    keepStartedInfra(infra);
    process.env.KAFKA_BROKERS = infra.kafkaBrokers;
    process.env.TEST_POSTGRES_URL = infra.postgresUrl;
    process.stderr.write(`[test-infra] Kafka at ${infra.kafkaBrokers}, Postgres at ${redacted(infra.postgresUrl)}\n`);
  } else {
    const script = join(__dirname, '../../deploy/local/kafka.sh');
    execFileSync('bash', [script, 'start'], { stdio: 'inherit' });
    // The internal principal on its SASL listener, for test clients and (inherited) the services they start.
    for (const line of execFileSync('bash', [script, 'credentials'], { encoding: 'utf8' }).split('\n').filter(Boolean)) {
      const [name, value] = [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)];
      process.env[name] ??= value;
    }
  }
  const client = new Client({ connectionString: adminDatabaseUrl(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    // Jest runs no globalTeardown after a failed globalSetup: stop what this one started.
    await takeStartedInfra()?.stop().catch(() => undefined);
    throw new Error(`Postgres is not reachable at ${adminDatabaseUrl()}: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  // The workers inherit it: the isolations they make are this run's.
  process.env[RUN_OWNER_ENV] = String(process.pid);
  // Not worth failing the run for (global-teardown.ts sweeps again): a warning, and the containers stay ours to stop.
  await sweepLeftovers({ pid: process.pid, now: Date.now(), processExists }).then(
    (swept) => swept.length > 0 && process.stderr.write(`[test-hygiene] removed ${swept.length} topics and databases left by earlier runs\n`),
    (error: Error) => process.stderr.write(`[test-hygiene] could not remove what earlier runs left: ${error.message}\n`),
  );
}

function redacted(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
