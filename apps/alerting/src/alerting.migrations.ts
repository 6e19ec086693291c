import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DEFAULT_RULES } from './rules/default-rules';

/** The rules the first release shipped, in its single-condition shape; AlertLifecycle converts them. */
const FIRST_RELEASE_RULES = [
  {
    id: 'inference-load-high',
    alertname: 'InferenceLoadHigh',
    metric: 'inferenceLoad',
    op: '>',
    threshold: 0.9,
    recoveryThreshold: 0.8,
    forMs: 0,
    keepFiringForMs: 0,
    severity: 'warning',
    labels: { team: 'ran-ops' },
    annotations: {
      summary: 'Inference load {{ $value }} on cell {{ $labels.cell }}',
      description: 'AI inference used {{ $value }}× the GPU capacity allocated to cell {{ $labels.cell }} at site {{ $labels.site }}; the radio stack may be squeezed.',
    },
  },
  {
    id: 'prb-dl-saturated',
    alertname: 'PrbDownlinkSaturated',
    metric: 'prbDlPct',
    op: '>',
    threshold: 90,
    recoveryThreshold: 80,
    forMs: 120_000,
    keepFiringForMs: 0,
    severity: 'warning',
    labels: { team: 'ran-ops' },
    annotations: { summary: 'Downlink PRB use {{ $value }} % on cell {{ $labels.cell }}' },
  },
];

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
    for (const rule of FIRST_RELEASE_RULES) {
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

/**
 * The full lifecycle: multi-condition rules of three kinds (window, sample, absence), no-data and
 * flapping state, acknowledgement, assignment, escalation, grouping, silences, and last-seen times
 * for absence rules.
 */
class AlertLifecycle1764338400000 implements MigrationInterface {
  name = 'AlertLifecycle1764338400000';

  async up(q: QueryRunner): Promise<void> {
    // First-release rules held one condition at the top level; the model now holds lists of them.
    await q.query(`
      UPDATE alerting.rules SET definition = jsonb_build_object(
        'id', definition->'id', 'alertname', definition->'alertname', 'kind', 'window',
        'all', jsonb_build_array(jsonb_strip_nulls(jsonb_build_object('metric', definition->'metric', 'op', definition->'op',
          'threshold', definition->'threshold', 'recoveryThreshold', definition->'recoveryThreshold'))),
        'any', '[]'::jsonb, 'scope', '[]'::jsonb, 'forMs', definition->'forMs', 'keepFiringForMs', definition->'keepFiringForMs',
        'flap', '{"windowMs": 600000, "maxTransitions": 4}'::jsonb, 'groupBy', '["alertname", "site"]'::jsonb,
        'escalateAfterMs', 'null'::jsonb, 'severity', definition->'severity', 'labels', definition->'labels',
        'annotations', definition->'annotations', 'enabled', to_jsonb(enabled))
      WHERE NOT definition ? 'kind'`);
    for (const rule of DEFAULT_RULES) {
      await q.query('INSERT INTO alerting.rules (id, definition, enabled) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', [rule.id, JSON.stringify(rule), rule.enabled]);
    }
    await q.query('ALTER TABLE alerting.alert_instances DROP CONSTRAINT alert_instances_phase_check');
    await q.query(`ALTER TABLE alerting.alert_instances ADD CONSTRAINT alert_instances_phase_check CHECK (phase IN ('inactive', 'pending', 'firing', 'nodata'))`);
    await q.query(`
      ALTER TABLE alerting.alert_instances
        ADD COLUMN fired_at         timestamptz,
        ADD COLUMN flap_times       jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN flapping         boolean NOT NULL DEFAULT false,
        ADD COLUMN previous         jsonb NOT NULL DEFAULT '{}',
        ADD COLUMN group_key        text,
        ADD COLUMN last_event       jsonb,
        ADD COLUMN notified_firing  boolean NOT NULL DEFAULT false,
        ADD COLUMN firing_wall_at   timestamptz,
        ADD COLUMN ack_by           text,
        ADD COLUMN ack_at           timestamptz,
        ADD COLUMN ack_comment      text,
        ADD COLUMN assignee         text,
        ADD COLUMN escalated_at     timestamptz`);
    await q.query(`UPDATE alerting.alert_instances SET fired_at = active_since, notified_firing = true, firing_wall_at = updated_at WHERE phase = 'firing'`);
    await q.query(`CREATE INDEX alert_instances_active ON alerting.alert_instances (phase) WHERE phase <> 'inactive'`);
    await q.query(`CREATE INDEX alert_instances_by_site ON alerting.alert_instances ((labels->>'site'))`);
    await q.query('CREATE INDEX alert_instances_by_group ON alerting.alert_instances (group_key)');
    await q.query('ALTER TABLE alerting.alert_history ADD COLUMN change text, ADD COLUMN actor text');
    await q.query(`
      CREATE TABLE alerting.silences (
        id               uuid PRIMARY KEY,
        matchers         jsonb NOT NULL,
        starts_at        timestamptz NOT NULL,
        ends_at          timestamptz NOT NULL CHECK (ends_at > starts_at),
        created_by       text NOT NULL,
        comment          text NOT NULL,
        ends_on_resolve  boolean NOT NULL DEFAULT false,
        expired_by       text CHECK (expired_by IN ('user', 'resolve')),
        created_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX silences_active ON alerting.silences (ends_at)');
    await q.query(`
      CREATE TABLE alerting.last_seen (
        target       text NOT NULL CHECK (target IN ('site', 'cell')),
        id           text NOT NULL,
        labels       jsonb NOT NULL,
        event_at     timestamptz NOT NULL,
        received_at  timestamptz NOT NULL,
        PRIMARY KEY (target, id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE alerting.last_seen, alerting.silences');
    await q.query('ALTER TABLE alerting.alert_history DROP COLUMN change, DROP COLUMN actor');
    await q.query('DROP INDEX alerting.alert_instances_active, alerting.alert_instances_by_site, alerting.alert_instances_by_group');
    await q.query(`
      ALTER TABLE alerting.alert_instances DROP COLUMN fired_at, DROP COLUMN flap_times, DROP COLUMN flapping, DROP COLUMN previous,
        DROP COLUMN group_key, DROP COLUMN last_event, DROP COLUMN notified_firing, DROP COLUMN firing_wall_at, DROP COLUMN ack_by,
        DROP COLUMN ack_at, DROP COLUMN ack_comment, DROP COLUMN assignee, DROP COLUMN escalated_at`);
    await q.query(`DELETE FROM alerting.alert_instances WHERE phase = 'nodata'`);
    await q.query('ALTER TABLE alerting.alert_instances DROP CONSTRAINT alert_instances_phase_check');
    await q.query(`ALTER TABLE alerting.alert_instances ADD CONSTRAINT alert_instances_phase_check CHECK (phase IN ('inactive', 'pending', 'firing'))`);
  }
}

/**
 * Notifications are numbered in the order they were queued (created_at is the transaction's time, shared by
 * every change of a batch), so the dispatcher can deliver each alert's notifications to a receiver in order.
 */
class NotificationOrder1764400000000 implements MigrationInterface {
  name = 'NotificationOrder1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE SEQUENCE alerting.notifications_seq_seq');
    await q.query('ALTER TABLE alerting.notifications ADD COLUMN seq bigint');
    // Notifications queued before this migration keep their order as far as it was known.
    await q.query(`UPDATE alerting.notifications SET seq = o.seq FROM (SELECT id, nextval('alerting.notifications_seq_seq') AS seq FROM (SELECT id FROM alerting.notifications ORDER BY created_at, id) ordered) o WHERE notifications.id = o.id`);
    await q.query(`ALTER TABLE alerting.notifications ALTER COLUMN seq SET DEFAULT nextval('alerting.notifications_seq_seq'), ALTER COLUMN seq SET NOT NULL`);
    await q.query('ALTER SEQUENCE alerting.notifications_seq_seq OWNED BY alerting.notifications.seq');
    await q.query('CREATE INDEX notifications_pending_by_alert ON alerting.notifications (receiver, fingerprint, seq) WHERE delivered_at IS NULL AND failed_at IS NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE alerting.notifications DROP COLUMN seq');
  }
}

/**
 * Alert state moves only forward in event time: each instance remembers the newest evidence it applied
 * (backfilled from the last time its condition held or it changed state), and each cell window's newest
 * applied revision is kept, so re-published cell-load events are applied once.
 */
class EvidenceOrder1764800000000 implements MigrationInterface {
  name = 'EvidenceOrder1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE alerting.alert_instances ADD COLUMN evaluated_through timestamptz');
    await q.query(`
      UPDATE alerting.alert_instances SET evaluated_through = greatest(last_true_at,
        (SELECT to_timestamp(max(t::bigint) / 1000.0) FROM jsonb_array_elements_text(flap_times) AS t))`);
    await q.query(`
      CREATE TABLE alerting.applied_windows (
        cell_id      text NOT NULL,
        window_start timestamptz NOT NULL,
        revision     integer NOT NULL,
        PRIMARY KEY (cell_id, window_start)
      )`);
    await q.query('CREATE INDEX applied_windows_by_start ON alerting.applied_windows (window_start)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE alerting.applied_windows');
    await q.query('ALTER TABLE alerting.alert_instances DROP COLUMN evaluated_through');
  }
}

/** An alert's notifications, newest first, for people reading its detail (the other indexes cover undelivered ones only). */
class NotificationsByAlert1796500800000 implements MigrationInterface {
  name = 'NotificationsByAlert1796500800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX notifications_by_alert ON alerting.notifications (fingerprint, seq)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX alerting.notifications_by_alert');
  }
}

/**
 * Room on each page for an instance's next version. Every window rewrites the instance of each rule that
 * compares with the previous window, active or not; when the new version fits on the same page and no
 * indexed column changed, Postgres updates no index (a HOT update). Full pages sent each version to
 * another page, with an entry in every index. Takes effect on pages written from now on.
 */
class AlertInstancesFillfactor1796673600000 implements MigrationInterface {
  name = 'AlertInstancesFillfactor1796673600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE alerting.alert_instances SET (fillfactor = 60)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE alerting.alert_instances RESET (fillfactor)');
  }
}

/**
 * What each applied window showed of the metrics rules compare with the next window (`dropPct`). A window is
 * compared with its cell's preceding applied window, read with the applied revisions, instead of with a
 * value each instance remembered: inactive instances are no longer rewritten every window. Windows applied
 * before have none: the first window after the upgrade finds no drop.
 */
class AppliedWindowObservations1796760000000 implements MigrationInterface {
  name = 'AppliedWindowObservations1796760000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alerting.applied_windows ADD COLUMN observed jsonb NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE alerting.applied_windows DROP COLUMN observed');
  }
}

/**
 * A number that every change of `alerting.rules` raises, in the changing transaction. Alerting keeps the
 * enabled rules compiled in memory and reads them again only when the number it compiled them at has
 * moved: one row per batch instead of every definition. A statement trigger, so no writer (the api's
 * rule changes, these migrations, an operator's SQL) can change a rule without it.
 */
class RuleSetVersion1796850000000 implements MigrationInterface {
  name = 'RuleSetVersion1796850000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE alerting.rule_set_version (one boolean PRIMARY KEY DEFAULT true CHECK (one), version bigint NOT NULL)');
    await q.query('INSERT INTO alerting.rule_set_version (version) VALUES (1)');
    await q.query(`
      CREATE FUNCTION alerting.raise_rule_set_version() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE alerting.rule_set_version SET version = version + 1;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER rules_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON alerting.rules
      FOR EACH STATEMENT EXECUTE FUNCTION alerting.raise_rule_set_version()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER rules_changed ON alerting.rules');
    await q.query('DROP FUNCTION alerting.raise_rule_set_version()');
    await q.query('DROP TABLE alerting.rule_set_version');
  }
}

export const ALERTING_MIGRATIONS = [
  AlertingCore1764320400000,
  Notifications1764320700000,
  AlertLifecycle1764338400000,
  NotificationOrder1764400000000,
  EvidenceOrder1764800000000,
  NotificationsByAlert1796500800000,
  AlertInstancesFillfactor1796673600000,
  AppliedWindowObservations1796760000000,
  RuleSetVersion1796850000000,
];
