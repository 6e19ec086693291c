import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The `api_keys` table of a service that authenticates callers (hashes only, never the key). */
export function apiKeysMigration(schema: string): new () => MigrationInterface {
  return class ApiKeysMigration implements MigrationInterface {
    name = 'ApiKeys1764320100000';

    async up(q: QueryRunner): Promise<void> {
      await q.query(`
        CREATE TABLE "${schema}".api_keys (
          id         text PRIMARY KEY,
          key_hash   bytea NOT NULL UNIQUE,
          role       text NOT NULL CHECK (role IN ('admin', 'operator', 'ops', 'partner')),
          subject    text NOT NULL,
          name       text NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          revoked_at timestamptz
        )`);
    }

    async down(q: QueryRunner): Promise<void> {
      await q.query(`DROP TABLE "${schema}".api_keys`);
    }
  };
}
