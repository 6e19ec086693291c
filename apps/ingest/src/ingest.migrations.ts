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

/** Cell and GPU node names sites reported that the registry does not know (GET /v1/sites/:siteId/unknown-identifiers). */
class UnknownIdentifiers1796414400000 implements MigrationInterface {
  name = 'UnknownIdentifiers1796414400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ingest.unknown_identifiers (
        site_id    text NOT NULL,
        kind       text NOT NULL CHECK (kind IN ('cell', 'gpu-node')),
        identifier text NOT NULL,
        first_seen timestamptz NOT NULL,
        last_seen  timestamptz NOT NULL,
        count      bigint NOT NULL,
        PRIMARY KEY (site_id, kind, identifier)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE ingest.unknown_identifiers');
  }
}

export const INGEST_MIGRATIONS = [SiteLiveness1764320200000, UnknownIdentifiers1796414400000];
