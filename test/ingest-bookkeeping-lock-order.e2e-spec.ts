import { type DataSource, openServiceDatabase } from '@airan/database';
import { UnknownIdentifierRepository } from '../apps/ingest/src/identifiers/unknown-identifier.repository';
import { INGEST_MIGRATIONS } from '../apps/ingest/src/ingest.migrations';
import { SiteLivenessRepository } from '../apps/ingest/src/liveness/site-liveness.repository';
import { dropDatabase, eventually, isolate } from './support/stack';

/**
 * ingest's bookkeeping writes, from requests answered concurrently, each upsert several rows. They must take
 * the rows' locks in one order: a write that locked B and waits for A, beside one that holds A and wants B,
 * is a deadlock, which Postgres breaks after a second by failing one of them. Here a transaction holds the
 * first row, a write naming the rows in the other order starts and waits, and the transaction then takes
 * the second row: that must wait for nothing.
 */
describe('ingest bookkeeping: rows locked in one order', () => {
  const isolation = isolate();
  let db: DataSource;

  beforeAll(async () => {
    db = await openServiceDatabase({ url: isolation.databaseUrl, schema: 'ingest', migrations: INGEST_MIGRATIONS });
  });

  afterAll(async () => {
    await db.destroy();
    await dropDatabase(isolation);
  });

  /** Holds `first` in a transaction, starts `write` (naming the rows the other way round) and, once it waits, updates `second`. */
  async function holdFirstThenTakeSecond(first: string, second: string, write: () => Promise<void>): Promise<void> {
    const holder = db.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    try {
      await holder.query(first);
      const writing = write();
      await eventually(async () => {
        const [{ waiting }] = await db.query(`SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
        expect(waiting).toBe(1);
      });
      await holder.query(second);
      await holder.commitTransaction();
      await writing;
    } finally {
      if (holder.isTransactionActive) await holder.rollbackTransaction();
      await holder.release();
    }
  }

  it('site liveness', async () => {
    const liveness = new SiteLivenessRepository({ dataSource: db });
    await liveness.touch('skt', 'k1', ['site-a', 'site-b'], new Date(1_000));
    await holdFirstThenTakeSecond(
      `SELECT 1 FROM ingest.site_liveness WHERE site_id = 'site-a' FOR UPDATE`,
      `UPDATE ingest.site_liveness SET last_key_id = 'k0' WHERE site_id = 'site-b'`,
      () => liveness.touch('skt', 'k2', ['site-b', 'site-a'], new Date(2_000)),
    );
    const rows = await db.query('SELECT site_id, last_key_id, last_seen_at FROM ingest.site_liveness ORDER BY site_id');
    expect(rows).toEqual([
      { site_id: 'site-a', last_key_id: 'k2', last_seen_at: new Date(2_000) },
      { site_id: 'site-b', last_key_id: 'k2', last_seen_at: new Date(2_000) },
    ]);
  });

  it('unknown identifiers', async () => {
    const unknown = new UnknownIdentifierRepository({ dataSource: db });
    const a = { siteId: 'site-a', kind: 'cell', identifier: 'nci-1' } as const;
    const b = { siteId: 'site-b', kind: 'cell', identifier: 'nci-2' } as const;
    await unknown.record([a, b], new Date(1_000));
    await holdFirstThenTakeSecond(
      `SELECT 1 FROM ingest.unknown_identifiers WHERE site_id = 'site-a' FOR UPDATE`,
      `UPDATE ingest.unknown_identifiers SET count = count + 10 WHERE site_id = 'site-b'`,
      () => unknown.record([b, a], new Date(2_000)),
    );
    const rows = await db.query('SELECT site_id, count::int FROM ingest.unknown_identifiers ORDER BY site_id');
    expect(rows).toEqual([
      { site_id: 'site-a', count: 2 },
      { site_id: 'site-b', count: 12 },
    ]);
  });
});
