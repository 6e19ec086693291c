import { Client } from 'pg';
import { DataSource, type MigrationInterface } from 'typeorm';

/** Raised when Postgres cannot be reached or prepared at start-up; names the address. */
export class DatabaseUnavailableError extends Error {
  constructor(address: string, cause: unknown) {
    super(`Postgres unreachable at ${address} (DATABASE_URL): ${(cause as Error).message || String(cause)}`);
    this.name = 'DatabaseUnavailableError';
  }
}

export function describeDatabaseUrl(url: string): { address: string; database: string } {
  const parsed = new URL(url);
  return { address: `${parsed.hostname}:${parsed.port || '5432'}`, database: decodeURIComponent(parsed.pathname.slice(1)) };
}

/** Creates the database named in `url` when it does not exist yet. */
export async function ensureDatabase(url: string): Promise<void> {
  const { address, database } = describeDatabaseUrl(url);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw new DatabaseUnavailableError(address, error);
  }
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) {
      // Identifiers cannot be bound as parameters; the config schema restricts the name to [A-Za-z0-9_].
      await client.query(`CREATE DATABASE "${database}"`).catch((error: { code?: string }) => {
        // Created concurrently by another service: 42P04 duplicate_database, or 23505 from the catalog index.
        if (error.code !== '42P04' && error.code !== '23505') throw error;
      });
    }
  } finally {
    await client.end();
  }
}

export interface ServiceDatabaseOptions {
  readonly url: string;
  /** The Postgres schema this service owns. */
  readonly schema: string;
  readonly migrations: Array<new () => MigrationInterface>;
  readonly poolSize?: number;
  /** Run-time parameters every connection of the service starts with (`-c name=value`). */
  readonly sessionSettings?: Readonly<Record<string, string>>;
}

/**
 * Opens the service's data source and applies its committed migrations (never `synchronize`).
 * The migrations table lives in the service's own schema.
 */
export async function openServiceDatabase(options: ServiceDatabaseOptions): Promise<DataSource> {
  await ensureDatabase(options.url);
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: {
      max: options.poolSize ?? 10,
      application_name: `airan-${options.schema}`,
      options: Object.entries(options.sessionSettings ?? {})
        .map(([name, value]) => `-c ${name}=${value}`)
        .join(' '),
    },
  });
  try {
    await dataSource.initialize();
  } catch (error) {
    throw new DatabaseUnavailableError(describeDatabaseUrl(options.url).address, error);
  }
  await migrateAlone(dataSource, options.schema);
  return dataSource;
}

/**
 * Creates the schema and applies pending migrations while holding a session advisory lock named after the
 * schema, so that replicas starting together take turns: unguarded, two of them create the schema or the
 * migrations table at the same instant and one dies on a duplicate-key error from the catalog. The lock is
 * held on a connection of its own; the migrations run on others from the pool, and the last to get the
 * lock finds nothing pending.
 */
async function migrateAlone(dataSource: DataSource, schema: string): Promise<void> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', [`airan-migrations:${schema}`]);
    await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await dataSource.runMigrations();
  } finally {
    // Ending the session releases the lock too; unlocking first hands it over without waiting for that.
    await lock.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
    await lock.release();
  }
}
