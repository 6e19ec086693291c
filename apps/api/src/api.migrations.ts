import type { MigrationInterface, QueryRunner } from 'typeorm';
import { apiKeysMigration } from '@airan/auth';
import { TOPICS } from '@airan/contracts';

/** The api's read model of alerts, fed by `airan.alerts.v1`: current state per alert and every change. */
class AlertsReadModel1764320500000 implements MigrationInterface {
  name = 'AlertsReadModel1764320500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api.alert_events (
        event_id     uuid PRIMARY KEY,
        fingerprint  text NOT NULL,
        status       text NOT NULL,
        evaluated_at timestamptz NOT NULL,
        payload      jsonb NOT NULL,
        received_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX alert_events_by_alert ON api.alert_events (fingerprint, evaluated_at)');
    await q.query(`
      CREATE TABLE api.alerts (
        fingerprint    text PRIMARY KEY,
        status         text NOT NULL,
        operator_id    text,
        site_id        text,
        cell_id        text,
        evaluated_at   timestamptz NOT NULL,
        last_event_id  uuid NOT NULL,
        payload        jsonb NOT NULL,
        updated_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX alerts_by_status ON api.alerts (status, evaluated_at DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE api.alerts, api.alert_events');
  }
}

/** The pilot registry: one row per entity, its body validated by the api, located by operator and site. */
class Registry1764320600000 implements MigrationInterface {
  name = 'Registry1764320600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api.registry_entities (
        type        text NOT NULL,
        id          text NOT NULL,
        operator_id text,
        site_id     text,
        body        jsonb NOT NULL,
        version     integer NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (type, id)
      )`);
    await q.query('CREATE INDEX registry_by_operator ON api.registry_entities (type, operator_id, id)');
    await q.query('CREATE INDEX registry_by_site ON api.registry_entities (type, site_id, id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE api.registry_entities');
  }
}

/**
 * Alert streams and the richer alert filters:
 * - `alert_events.seq` numbers events in the order their transactions committed (the read model
 *   takes a lock for it), so "the events recorded after event X" is exact for a reconnecting stream;
 * - `alerts` gets the columns `GET /v1/alerts` filters on, filled from the stored payloads.
 */
class AlertStreamAndFilters1764320700000 implements MigrationInterface {
  name = 'AlertStreamAndFilters1764320700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE SEQUENCE api.alert_events_seq');
    await q.query('ALTER TABLE api.alert_events ADD COLUMN seq bigint');
    // Events recorded so far are numbered in the order they arrived.
    await q.query(`
      UPDATE api.alert_events e SET seq = o.n
      FROM (SELECT event_id, row_number() OVER (ORDER BY received_at, evaluated_at, event_id) AS n FROM api.alert_events) o
      WHERE e.event_id = o.event_id`);
    await q.query(`SELECT setval('api.alert_events_seq', (SELECT coalesce(max(seq), 0) + 1 FROM api.alert_events), false)`);
    await q.query(`ALTER TABLE api.alert_events ALTER COLUMN seq SET DEFAULT nextval('api.alert_events_seq'), ALTER COLUMN seq SET NOT NULL`);
    await q.query('ALTER SEQUENCE api.alert_events_seq OWNED BY api.alert_events.seq');
    await q.query('CREATE UNIQUE INDEX alert_events_by_seq ON api.alert_events (seq)');
    await q.query('CREATE INDEX alert_events_history ON api.alert_events (fingerprint, evaluated_at, seq)');
    await q.query('DROP INDEX api.alert_events_by_alert');

    await q.query(`
      ALTER TABLE api.alerts
        ADD COLUMN alertname    text,
        ADD COLUMN severity     text,
        ADD COLUMN acknowledged boolean NOT NULL DEFAULT false,
        ADD COLUMN assignee     text,
        ADD COLUMN silenced     boolean NOT NULL DEFAULT false`);
    // Payloads from before the lifecycle fields existed have none of them: not acknowledged, unassigned, not silenced.
    await q.query(`
      UPDATE api.alerts SET
        alertname    = payload->'labels'->>'alertname',
        severity     = payload->'labels'->>'severity',
        acknowledged = coalesce(jsonb_typeof(payload->'acknowledgement') = 'object', false),
        assignee     = payload->>'assignee',
        silenced     = coalesce(jsonb_array_length(CASE WHEN jsonb_typeof(payload->'silencedBy') = 'array' THEN payload->'silencedBy' END) > 0, false)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE api.alerts DROP COLUMN alertname, DROP COLUMN severity, DROP COLUMN acknowledged, DROP COLUMN assignee, DROP COLUMN silenced');
    await q.query('CREATE INDEX alert_events_by_alert ON api.alert_events (fingerprint, evaluated_at)');
    await q.query('DROP INDEX api.alert_events_history');
    await q.query('ALTER TABLE api.alert_events DROP COLUMN seq');
  }
}

/**
 * A version counter per registry entity that survives the entity's deletion, so that an entity
 * deleted and created again keeps rising in version and its events never repeat an id.
 */
class RegistryVersions1764320800000 implements MigrationInterface {
  name = 'RegistryVersions1764320800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api.registry_versions (
        type    text NOT NULL,
        id      text NOT NULL,
        version integer NOT NULL,
        PRIMARY KEY (type, id)
      )`);
    await q.query('INSERT INTO api.registry_versions (type, id, version) SELECT type, id, version FROM api.registry_entities');
    // An id repeats harmfully only while the outbox still holds it (it ignores known ids), so entities deleted
    // before now continue after the highest version their events there carry. Keys are `<type>:<id>`.
    await q.query(
      `INSERT INTO api.registry_versions (type, id, version)
       SELECT split_part(key, ':', 1), substr(key, strpos(key, ':') + 1), max((value::jsonb->>'version')::int)
       FROM api.outbox WHERE value IS NOT NULL AND right(topic, length($1)) = $1
       GROUP BY key
       ON CONFLICT (type, id) DO UPDATE SET version = greatest(registry_versions.version, EXCLUDED.version)`,
      [TOPICS.registry.name],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE api.registry_versions');
  }
}

/**
 * The read model of `airan.telemetry.dlq.v1` behind `GET /v1/history/dead-letters`: one row per dead letter
 * (by event id), under the operator whose key sent the record. Indexed for that route's query shapes (by
 * time; by operator or site, then time) in key order, and by time for pruning past retention.
 */
class DeadLetters1764321200000 implements MigrationInterface {
  name = 'DeadLetters1764321200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api.dead_letters (
        event_id            uuid PRIMARY KEY,
        operator_id         text NOT NULL,
        site_id             text,
        key_id              text NOT NULL,
        format              text NOT NULL,
        reason              text NOT NULL,
        errors              jsonb NOT NULL,
        raw                 jsonb,
        raw_truncated_bytes integer,
        received_at         timestamptz NOT NULL,
        recorded_at         timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX dead_letters_by_time ON api.dead_letters (received_at, event_id)');
    await q.query('CREATE INDEX dead_letters_by_operator ON api.dead_letters (operator_id, received_at, event_id)');
    await q.query('CREATE INDEX dead_letters_by_site ON api.dead_letters (site_id, received_at, event_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE api.dead_letters');
  }
}

/** Partners' Kafka credentials as issued: who and when, never the password (the broker keeps a salted SCRAM hash). */
class PartnerCredentials1764321300000 implements MigrationInterface {
  name = 'PartnerCredentials1764321300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api.partner_credentials (
        id          text PRIMARY KEY,
        partner_id  text NOT NULL,
        username    text NOT NULL UNIQUE,
        created_at  timestamptz NOT NULL DEFAULT now(),
        created_by  text NOT NULL,
        revoked_at  timestamptz,
        revoked_by  text
      )`);
    await q.query('CREATE INDEX partner_credentials_by_partner ON api.partner_credentials (partner_id, created_at, id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE api.partner_credentials');
  }
}

export const API_MIGRATIONS = [apiKeysMigration('api'), AlertsReadModel1764320500000, Registry1764320600000, AlertStreamAndFilters1764320700000, RegistryVersions1764320800000, DeadLetters1764321200000, PartnerCredentials1764321300000];
