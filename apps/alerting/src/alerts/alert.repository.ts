import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AlertChangeKind, AlertEvent, AlertStatus } from '@airan/contracts';
import type { AlertPhase, RuleState } from '@airan/rule-engine';
import { byCodeUnits } from '@airan/system';

/** Who acknowledged an alert and who owns it: human state that lives beside the rule state. */
export interface AlertOwnership {
  readonly ackBy: string | null;
  readonly ackAt: number | null;
  readonly ackComment: string | null;
  readonly assignee: string | null;
  readonly escalatedAt: number | null;
}

export const UNOWNED: AlertOwnership = { ackBy: null, ackAt: null, ackComment: null, assignee: null, escalatedAt: null };

/** One alert instance (a rule applied to one label set) as stored. */
export interface AlertInstance {
  readonly fingerprint: string;
  readonly ruleId: string;
  readonly labels: Record<string, string>;
  readonly groupKey: string;
  readonly state: RuleState;
  /** The value at the last evaluation where the condition held: a resolve is described with it, as Prometheus does. */
  readonly activeValue: number | null;
  /** Receivers were told it fires, so they must be told when it resolves. */
  readonly notifiedFiring: boolean;
  /** Wall-clock time it started firing: escalation counts people's time, not event time. */
  readonly firingWallAt: number | null;
  readonly ownership: AlertOwnership;
  readonly lastEvent: AlertEvent | null;
}

export interface AlertChange {
  readonly eventId: string;
  readonly fingerprint: string;
  readonly status: AlertStatus;
  readonly change: AlertChangeKind;
  readonly actor: string | null;
  readonly value: number | null;
  readonly evaluatedAt: number;
}

/** Every phase but inactive: the compiler checks that the list is whole. */
const ACTIVE_PHASES = Object.keys({ pending: true, firing: true, nodata: true } satisfies Record<Exclude<AlertPhase, 'inactive'>, true>);

/**
 * An active instance, as a predicate the partial index on `phase <> 'inactive'` serves. Written as that
 * `<>`, the planner took it, before the table's first analyze, to keep nearly every row, and scanned them
 * all: 20 ms a batch at 30,000 cells, the database's costliest statement. The list is estimated as few rows.
 */
const ACTIVE = `phase IN (${ACTIVE_PHASES.map((p) => `'${p}'`).join(', ')})`;

interface InstanceRow {
  fingerprint: string;
  rule_id: string;
  labels: Record<string, string>;
  group_key: string | null;
  phase: RuleState['phase'];
  active_since: Date | null;
  last_true_at: Date | null;
  fired_at: Date | null;
  flap_times: number[];
  flapping: boolean;
  previous: Record<string, number>;
  evaluated_through: Date | null;
  value: number | null;
  notified_firing: boolean;
  firing_wall_at: Date | null;
  ack_by: string | null;
  ack_at: Date | null;
  ack_comment: string | null;
  assignee: string | null;
  escalated_at: Date | null;
  last_event: AlertEvent | null;
}

const ms = (d: Date | null) => d?.getTime() ?? null;
const toDate = (t: number | null) => (t === null ? null : new Date(t));

function fromRow(r: InstanceRow): AlertInstance {
  return {
    fingerprint: r.fingerprint,
    ruleId: r.rule_id,
    labels: r.labels,
    groupKey: r.group_key ?? '',
    state: {
      phase: r.phase,
      activeSince: ms(r.active_since),
      lastTrueAt: ms(r.last_true_at),
      firedAt: ms(r.fired_at),
      flapTimes: r.flap_times,
      flapping: r.flapping,
      previous: r.previous,
      evaluatedThrough: ms(r.evaluated_through),
    },
    activeValue: r.value,
    notifiedFiring: r.notified_firing,
    firingWallAt: ms(r.firing_wall_at),
    ownership: { ackBy: r.ack_by, ackAt: ms(r.ack_at), ackComment: r.ack_comment, assignee: r.assignee, escalatedAt: ms(r.escalated_at) },
    lastEvent: r.last_event,
  };
}

const SELECT = 'SELECT * FROM alerting.alert_instances';

/** Alert instances and their history in the alerting schema; every method runs in the caller's transaction. */
@Injectable()
export class AlertRepository {
  /** Whether alerting has an instance of this fingerprint, in any phase. */
  async exists(db: EntityManager, fingerprint: string): Promise<boolean> {
    const rows: Array<{ found: boolean }> = await db.query('SELECT EXISTS (SELECT 1 FROM alerting.alert_instances WHERE fingerprint = $1) AS found', [fingerprint]);
    return rows[0].found;
  }

  /** The given instances, locked for this transaction. */
  async lock(tx: EntityManager, fingerprints: readonly string[]): Promise<Map<string, AlertInstance>> {
    const rows: InstanceRow[] = await tx.query(`${SELECT} WHERE fingerprint = ANY($1) ORDER BY fingerprint FOR UPDATE`, [fingerprints]);
    return new Map(rows.map((r) => [r.fingerprint, fromRow(r)]));
  }

  /** Instances of a site that are pending or firing: they lose their data when the site goes silent. */
  async lockActiveAtSite(tx: EntityManager, site: string, exceptRuleIds: readonly string[]): Promise<AlertInstance[]> {
    const rows: InstanceRow[] = await tx.query(
      `${SELECT} WHERE labels->>'site' = $1 AND phase IN ('pending', 'firing') AND NOT rule_id = ANY($2) ORDER BY fingerprint FOR UPDATE`,
      [site, exceptRuleIds],
    );
    return rows.map(fromRow);
  }

  /** Instances of these rules that are not inactive, and the rules that have any: cheap, through the partial index on phase. */
  async activeFingerprints(db: EntityManager, ruleIds: readonly string[]): Promise<{ fingerprints: Set<string>; rules: Set<string> }> {
    const rows: Array<{ fingerprint: string; rule_id: string }> = await db.query(
      `SELECT fingerprint, rule_id FROM alerting.alert_instances WHERE ${ACTIVE} AND rule_id = ANY($1)`,
      [ruleIds],
    );
    return { fingerprints: new Set(rows.map((r) => r.fingerprint)), rules: new Set(rows.map((r) => r.rule_id)) };
  }

  /** Pending, firing and no-data instances of a rule, locked for this transaction. */
  async lockActiveOfRule(tx: EntityManager, ruleId: string): Promise<AlertInstance[]> {
    const rows: InstanceRow[] = await tx.query(`${SELECT} WHERE rule_id = $1 AND ${ACTIVE} ORDER BY fingerprint FOR UPDATE`, [ruleId]);
    return rows.map(fromRow);
  }

  /** Firing instances receivers were not told of (muted when they fired), locked for this transaction. */
  async lockFiringUnheard(tx: EntityManager, limit: number): Promise<AlertInstance[]> {
    const rows: InstanceRow[] = await tx.query(
      `${SELECT} WHERE phase = 'firing' AND NOT notified_firing AND last_event IS NOT NULL ORDER BY fingerprint LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows.map(fromRow);
  }

  /** Firing alerts of the given names: the possible sources of inhibition. */
  async firingWithAlertnames(tx: EntityManager, alertnames: readonly string[] | 'all'): Promise<Array<{ fingerprint: string; labels: Record<string, string> }>> {
    return tx.query(
      `SELECT fingerprint, labels FROM alerting.alert_instances WHERE phase = 'firing' AND ($1::text[] IS NULL OR labels->>'alertname' = ANY($1))`,
      [alertnames === 'all' ? null : alertnames],
    );
  }

  /** The last events of firing alerts receivers know of, in the given groups (a notification lists its whole group). */
  async notifiedInGroups(tx: EntityManager, groupKeys: readonly string[]): Promise<Array<{ groupKey: string; event: AlertEvent }>> {
    const rows: Array<{ group_key: string; last_event: AlertEvent }> = await tx.query(
      `SELECT group_key, last_event FROM alerting.alert_instances WHERE group_key = ANY($1) AND phase = 'firing' AND notified_firing ORDER BY fingerprint`,
      [groupKeys],
    );
    return rows.map((r) => ({ groupKey: r.group_key, event: r.last_event }));
  }

  /** Firing, unacknowledged, not yet escalated instances of a rule that fired before `before` (wall clock). */
  async lockEscalationDue(tx: EntityManager, ruleId: string, before: number): Promise<AlertInstance[]> {
    const rows: InstanceRow[] = await tx.query(
      `${SELECT} WHERE rule_id = $1 AND phase = 'firing' AND notified_firing AND ack_by IS NULL AND escalated_at IS NULL AND firing_wall_at <= $2
       ORDER BY fingerprint FOR UPDATE SKIP LOCKED`,
      [ruleId, new Date(before)],
    );
    return rows.map(fromRow);
  }

  async save(tx: EntityManager, unordered: readonly AlertInstance[]): Promise<void> {
    if (unordered.length === 0) return;
    // Rows are written in fingerprint order, the order `lock` takes them in: concurrent batches never deadlock.
    const instances = [...unordered].sort((a, b) => byCodeUnits(a.fingerprint, b.fingerprint));
    const col = <T>(f: (i: AlertInstance) => T) => instances.map(f);
    await tx.query(
      `INSERT INTO alerting.alert_instances (fingerprint, rule_id, labels, group_key, phase, active_since, last_true_at, fired_at, flap_times,
         flapping, previous, value, notified_firing, firing_wall_at, ack_by, ack_at, ack_comment, assignee, escalated_at, last_event, evaluated_through)
       SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::timestamptz[],
         $9::jsonb[], $10::boolean[], $11::jsonb[], $12::float8[], $13::boolean[], $14::timestamptz[], $15::text[], $16::timestamptz[], $17::text[],
         $18::text[], $19::timestamptz[], $20::jsonb[], $21::timestamptz[])
       ON CONFLICT (fingerprint) DO UPDATE SET group_key = EXCLUDED.group_key, phase = EXCLUDED.phase, active_since = EXCLUDED.active_since,
         last_true_at = EXCLUDED.last_true_at, fired_at = EXCLUDED.fired_at, flap_times = EXCLUDED.flap_times, flapping = EXCLUDED.flapping,
         previous = EXCLUDED.previous, value = EXCLUDED.value, notified_firing = EXCLUDED.notified_firing, firing_wall_at = EXCLUDED.firing_wall_at,
         ack_by = EXCLUDED.ack_by, ack_at = EXCLUDED.ack_at, ack_comment = EXCLUDED.ack_comment, assignee = EXCLUDED.assignee,
         escalated_at = EXCLUDED.escalated_at, last_event = EXCLUDED.last_event, evaluated_through = EXCLUDED.evaluated_through, updated_at = now()`,
      [
        col((i) => i.fingerprint),
        col((i) => i.ruleId),
        col((i) => JSON.stringify(i.labels)),
        col((i) => i.groupKey),
        col((i) => i.state.phase),
        col((i) => toDate(i.state.activeSince)),
        col((i) => toDate(i.state.lastTrueAt)),
        col((i) => toDate(i.state.firedAt)),
        col((i) => JSON.stringify(i.state.flapTimes)),
        col((i) => i.state.flapping),
        col((i) => JSON.stringify(i.state.previous)),
        col((i) => i.activeValue),
        col((i) => i.notifiedFiring),
        col((i) => toDate(i.firingWallAt)),
        col((i) => i.ownership.ackBy),
        col((i) => toDate(i.ownership.ackAt)),
        col((i) => i.ownership.ackComment),
        col((i) => i.ownership.assignee),
        col((i) => toDate(i.ownership.escalatedAt)),
        col((i) => (i.lastEvent === null ? null : JSON.stringify(i.lastEvent))),
        col((i) => toDate(i.state.evaluatedThrough)),
      ],
    );
  }

  async recordChanges(tx: EntityManager, changes: readonly AlertChange[]): Promise<void> {
    if (changes.length === 0) return;
    const col = <T>(f: (c: AlertChange) => T) => changes.map(f);
    await tx.query(
      `INSERT INTO alerting.alert_history (event_id, fingerprint, status, change, actor, value, evaluated_at)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::timestamptz[]) ON CONFLICT DO NOTHING`,
      [col((c) => c.eventId), col((c) => c.fingerprint), col((c) => c.status), col((c) => c.change), col((c) => c.actor), col((c) => c.value), col((c) => new Date(c.evaluatedAt))],
    );
  }
}
