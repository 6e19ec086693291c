import { Client } from 'pg';
import { ServiceProcess } from './support/service-process';
import { isolate } from './support/stack';

/** Raw samples live in day partitions: created ahead at start-up, dropped past the retention. */
describe('load: sample partitions and retention', () => {
  const isolation = isolate();

  it('creates partitions around today and drops those older than LOAD_SAMPLE_RETENTION_DAYS', async () => {
    const env = { ...isolation.env, LOAD_SAMPLE_RETENTION_DAYS: '3' };
    const first = await ServiceProcess.start('load', env);
    await first.stop();

    const db = new Client({ connectionString: isolation.databaseUrl });
    await db.connect();
    try {
      // A partition from well before the retention horizon, as an old deployment would have left.
      await db.query(`CREATE TABLE load.cell_samples_p20250101 PARTITION OF load.cell_samples FOR VALUES FROM ('2025-01-01') TO ('2025-01-02')`);
      const second = await ServiceProcess.start('load', env);
      await second.stop();

      const { rows } = await db.query(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
         WHERE p.relname = 'cell_samples' ORDER BY 1`,
      );
      const started = Date.now();
      const partitionsAround = (now: number) =>
        ['cell_samples_default', ...[-3, -2, -1, 0, 1, 2].map((d) => `cell_samples_p${new Date(now + d * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '')}`)].sort();
      // The service ran a few seconds ago; should midnight UTC have passed since, its day is the earlier one.
      expect([partitionsAround(started), partitionsAround(started - 60_000)]).toContainEqual(rows.map((r) => r.name));
    } finally {
      await db.end();
    }
  });
});
