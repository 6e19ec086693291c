import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tables every event-driven service needs in its own schema:
 * - `consumer_offsets`: the next Kafka offset to apply per (group, topic, partition), written in the
 *   same transaction as the state it produced (exactly-once effect).
 * - `outbox`: events derived from state, written in that same transaction and relayed to Kafka
 *   (a NULL value is a tombstone).
 */
export function infrastructureMigration(schema: string): new () => MigrationInterface {
  return class InfrastructureMigration implements MigrationInterface {
    name = 'Infrastructure1764320000000';

    async up(q: QueryRunner): Promise<void> {
      await q.query(`
        CREATE TABLE "${schema}".consumer_offsets (
          group_id    text    NOT NULL,
          topic       text    NOT NULL,
          partition   integer NOT NULL,
          next_offset bigint  NOT NULL,
          updated_at  timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (group_id, topic, partition)
        )`);
      await q.query(`
        CREATE TABLE "${schema}".outbox (
          seq          bigserial PRIMARY KEY,
          event_id     uuid        NOT NULL UNIQUE,
          topic        text        NOT NULL,
          key          text        NOT NULL,
          value        text,
          headers      jsonb       NOT NULL DEFAULT '{}',
          created_at   timestamptz NOT NULL DEFAULT now(),
          published_at timestamptz
        )`);
      await q.query(`CREATE INDEX outbox_unpublished ON "${schema}".outbox (seq) WHERE published_at IS NULL`);
    }

    async down(q: QueryRunner): Promise<void> {
      await q.query(`DROP TABLE "${schema}".outbox`);
      await q.query(`DROP TABLE "${schema}".consumer_offsets`);
    }
  };
}
