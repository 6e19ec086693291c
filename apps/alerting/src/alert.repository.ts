import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AlertStatus } from '@airan/contracts';
import type { RuleState, ThresholdRule } from '@airan/rule-engine';

export interface AlertInstance {
  readonly fingerprint: string;
  readonly ruleId: string;
  readonly labels: Record<string, string>;
  readonly state: RuleState;
  /** The value at the last evaluation where the condition held: a resolve is described with it, as Prometheus does. */
  readonly activeValue: number | null;
}

export interface StoredState {
  readonly state: RuleState;
  readonly activeValue: number | null;
}

export interface AlertChange {
  readonly eventId: string;
  readonly fingerprint: string;
  readonly status: AlertStatus;
  readonly value: number | null;
  readonly evaluatedAt: number;
}

const toDate = (ms: number | null) => (ms === null ? null : new Date(ms));

/** Rules and alert state in the alerting schema. State methods run inside the consumer's transaction. */
@Injectable()
export class AlertRepository {
  async enabledRules(tx: EntityManager): Promise<ThresholdRule[]> {
    const rows: Array<{ definition: ThresholdRule }> = await tx.query('SELECT definition FROM alerting.rules WHERE enabled ORDER BY id');
    return rows.map((r) => r.definition);
  }

  /** Current state of the given instances, locked for this transaction. */
  async lockStates(tx: EntityManager, fingerprints: readonly string[]): Promise<Map<string, StoredState>> {
    const rows: Array<{ fingerprint: string; phase: RuleState['phase']; active_since: Date | null; last_true_at: Date | null; value: number | null }> = await tx.query(
      'SELECT fingerprint, phase, active_since, last_true_at, value FROM alerting.alert_instances WHERE fingerprint = ANY($1) FOR UPDATE',
      [fingerprints],
    );
    return new Map(
      rows.map((r) => [r.fingerprint, { state: { phase: r.phase, activeSince: r.active_since?.getTime() ?? null, lastTrueAt: r.last_true_at?.getTime() ?? null }, activeValue: r.value }]),
    );
  }

  async saveStates(tx: EntityManager, instances: readonly AlertInstance[]): Promise<void> {
    if (instances.length === 0) return;
    await tx.query(
      `INSERT INTO alerting.alert_instances (fingerprint, rule_id, labels, phase, active_since, last_true_at, value)
       SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::float8[])
       ON CONFLICT (fingerprint) DO UPDATE SET phase = EXCLUDED.phase, active_since = EXCLUDED.active_since,
         last_true_at = EXCLUDED.last_true_at, value = EXCLUDED.value, updated_at = now()`,
      [
        instances.map((i) => i.fingerprint),
        instances.map((i) => i.ruleId),
        instances.map((i) => JSON.stringify(i.labels)),
        instances.map((i) => i.state.phase),
        instances.map((i) => toDate(i.state.activeSince)),
        instances.map((i) => toDate(i.state.lastTrueAt)),
        instances.map((i) => i.activeValue),
      ],
    );
  }

  async recordChanges(tx: EntityManager, changes: readonly AlertChange[]): Promise<void> {
    if (changes.length === 0) return;
    await tx.query(
      `INSERT INTO alerting.alert_history (event_id, fingerprint, status, value, evaluated_at)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::float8[], $5::timestamptz[]) ON CONFLICT DO NOTHING`,
      [changes.map((c) => c.eventId), changes.map((c) => c.fingerprint), changes.map((c) => c.status), changes.map((c) => c.value), changes.map((c) => new Date(c.evaluatedAt))],
    );
  }
}
