import type { MigrationInterface, QueryRunner } from 'typeorm';
import { apiKeysMigration } from '@airan/auth';

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

export const API_MIGRATIONS = [apiKeysMigration('api'), AlertsReadModel1764320500000, Registry1764320600000];
