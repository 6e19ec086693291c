import type { Kafka } from 'kafkajs';
import { Client } from 'pg';
import { type IsolationName, type Sweeper, isLeftover, isolationOfDatabase, isolationOfTopic } from './isolation-names';
import { testKafka } from './test-kafka';
import { adminDatabaseUrl } from './test-postgres';

/**
 * Removal of test isolations' topics and databases: each test file's own at its end (isolation-environment.ts),
 * and leftovers of runs that died at the start and end of a run (global-setup.ts, global-teardown.ts).
 * Only ever after the services using them have stopped: a service still running would provision a
 * deleted topic again at its next start, or fail on it.
 */

/** A topic or database on the suite's broker or server that a test isolation made. */
export interface IsolationResource {
  readonly kind: 'topic' | 'database';
  readonly name: string;
  readonly isolation: IsolationName;
}

// Isolations made in a test file, kept on the file's global (stack.ts adds, isolation-environment.ts reads):
// a symbol from the runtime-wide registry, since the file runs in its own VM context.
const MADE_HERE = Symbol.for('airan.test.isolations');
type Holder = { [MADE_HERE]?: string[] };

export function rememberIsolation(id: string, global: object = globalThis): void {
  ((global as Holder)[MADE_HERE] ??= []).push(id);
}

export function isolationsMadeIn(global: object): readonly string[] {
  return (global as Holder)[MADE_HERE] ?? [];
}

/** Every test-made topic and database there is now, with the isolation each belongs to. */
export async function isolationResources(kafka: Kafka = testKafka('airan-test-cleanup')): Promise<IsolationResource[]> {
  const [topics, databases] = await Promise.all([listTopics(kafka), listDatabases()]);
  const resources: IsolationResource[] = [];
  for (const name of topics) {
    const isolation = isolationOfTopic(name);
    if (isolation) resources.push({ kind: 'topic', name, isolation });
  }
  for (const name of databases) {
    const isolation = isolationOfDatabase(name);
    if (isolation) resources.push({ kind: 'database', name, isolation });
  }
  return resources;
}

/** Deletes the topics and drops the databases of the given isolations, whatever of them exists. */
export async function disposeIsolations(ids: readonly string[], kafka: Kafka = testKafka('airan-test-cleanup')): Promise<IsolationResource[]> {
  if (ids.length === 0) return [];
  const wanted = new Set(ids);
  const resources = (await isolationResources(kafka)).filter((r) => wanted.has(r.isolation.id));
  await removeResources(resources, kafka);
  return resources;
}

/** Removes every isolation's resources that nothing can be using any more (see isLeftover); answers what it removed. */
export async function sweepLeftovers(sweeper: Sweeper): Promise<IsolationResource[]> {
  const kafka = testKafka('airan-test-cleanup');
  const leftovers = (await isolationResources(kafka)).filter((r) => isLeftover(r.isolation, sweeper));
  await removeResources(leftovers, kafka);
  return leftovers;
}

export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, as another user's process.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function removeResources(resources: readonly IsolationResource[], kafka: Kafka): Promise<void> {
  const topics = resources.filter((r) => r.kind === 'topic').map((r) => r.name);
  const databases = resources.filter((r) => r.kind === 'database').map((r) => r.name);
  await Promise.all([topics.length > 0 ? deleteTopics(kafka, topics) : undefined, databases.length > 0 ? dropDatabases(databases) : undefined]);
}

async function listTopics(kafka: Kafka): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await admin.listTopics();
  } finally {
    await admin.disconnect();
  }
}

async function deleteTopics(kafka: Kafka, topics: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [...topics], timeout: 30_000 });
  } finally {
    await admin.disconnect();
  }
}

async function withAdminDatabase<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function listDatabases(): Promise<string[]> {
  return withAdminDatabase(async (client) => (await client.query<{ datname: string }>('SELECT datname FROM pg_database')).rows.map((r) => r.datname));
}

function dropDatabases(databases: readonly string[]): Promise<void> {
  return withAdminDatabase(async (client) => {
    // WITH (FORCE): a connection a stopped service's pool or a test client left open must not keep it.
    for (const database of databases) await client.query(`DROP DATABASE IF EXISTS "${database.replace(/"/g, '""')}" WITH (FORCE)`);
  });
}
