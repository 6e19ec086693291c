import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Last time each site reported anything: the basis of "site silent" alerts. */
class SiteLiveness1764320200000 implements MigrationInterface {
  name = 'SiteLiveness1764320200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ingest.site_liveness (
        site_id      text PRIMARY KEY,
        operator_id  text NOT NULL,
        last_seen_at timestamptz NOT NULL,
        last_key_id  text NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE ingest.site_liveness');
  }
}

export const INGEST_MIGRATIONS = [SiteLiveness1764320200000];
