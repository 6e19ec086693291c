import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DEFAULT_RULES } from './default-rules';

/** Rules, the current state of every alert instance, and the history of its changes. */
class AlertingCore1764320400000 implements MigrationInterface {
  name = 'AlertingCore1764320400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE alerting.rules (
        id         text PRIMARY KEY,
        definition jsonb NOT NULL,
        enabled    boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE alerting.alert_instances (
        fingerprint   text PRIMARY KEY,
        rule_id       text NOT NULL REFERENCES alerting.rules (id),
        labels        jsonb NOT NULL,
        phase         text NOT NULL CHECK (phase IN ('inactive', 'pending', 'firing')),
        active_since  timestamptz,
        last_true_at  timestamptz,
        value         double precision,
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE alerting.alert_history (
        event_id     uuid PRIMARY KEY,
        fingerprint  text NOT NULL,
        status       text NOT NULL,
        value        double precision,
        evaluated_at timestamptz NOT NULL,
        recorded_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX alert_history_by_alert ON alerting.alert_history (fingerprint, evaluated_at)');
    for (const rule of DEFAULT_RULES) {
      await q.query('INSERT INTO alerting.rules (id, definition) VALUES ($1, $2)', [rule.id, JSON.stringify(rule)]);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE alerting.alert_history, alerting.alert_instances, alerting.rules');
  }
}

/** Notifications to deliver, written with the alert change that caused them: a crash cannot lose one. */
class Notifications1764320700000 implements MigrationInterface {
  name = 'Notifications1764320700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE alerting.notifications (
        id              uuid PRIMARY KEY,
        receiver        text NOT NULL,
        kind            text NOT NULL CHECK (kind IN ('webhook', 'pagerduty', 'alertmanager')),
        url             text NOT NULL,
        fingerprint     text NOT NULL,
        status          text NOT NULL,
        body            jsonb NOT NULL,
        attempts        integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        delivered_at    timestamptz,
        failed_at       timestamptz,
        last_error      text,
        created_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX notifications_due ON alerting.notifications (next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE alerting.notifications');
  }
}

export const ALERTING_MIGRATIONS = [AlertingCore1764320400000, Notifications1764320700000];
