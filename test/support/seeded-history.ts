import { Client } from 'pg';
import { SEEDED_QUERIES, type SeededTable, seedHistory, seedRegistryPlacement } from './history-seed';
import type { ServiceProcess } from './service-process';
import { type Isolation, createApiKey } from './stack';
import { startServices } from './start-services';

/** An api over seeded history, a client on its database, and keys of ops, operator op1 and partner etri. */
export interface SeededHistory {
  readonly api: ServiceProcess;
  readonly db: Client;
  readonly ops: string;
  readonly op1: string;
  readonly partner: string;
}

/**
 * Starts the api over history written by SQL: load runs once to create its tables and sample partitions,
 * then stops (the rows come from the seed); every table the history queries read gets `rowsOf(table)` rows
 * from `origin`, and the registry places the seeded fleet with its operators.
 */
export async function startSeededHistory(isolation: Isolation, origin: Date, rowsOf: (table: SeededTable) => number): Promise<SeededHistory> {
  const services = await startServices({ api: isolation.env, load: isolation.env });
  await services.load.stop();
  const db = new Client({ connectionString: isolation.databaseUrl });
  await db.connect();
  for (const { table } of SEEDED_QUERIES) await seedHistory(db, table, rowsOf(table), origin);
  await seedRegistryPlacement(db);
  const [ops, op1, partner] = (await Promise.all([createApiKey(isolation, 'ops', 'ops-team'), createApiKey(isolation, 'operator', 'op1'), createApiKey(isolation, 'partner', 'etri')])).map((k) => k.key);
  return { api: services.api, db, ops, op1, partner };
}

export async function stopSeededHistory(seeded: SeededHistory | undefined): Promise<void> {
  await seeded?.db.end();
  await seeded?.api.stop();
}
