import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AlertRule } from '@airan/rule-engine';

/** Alert rules in the alerting schema. The definition is the whole validated rule; `enabled` mirrors it for indexing. */
@Injectable()
export class RuleRepository {
  /**
   * The rule set's version and, unless it is still `known`, its enabled rules by id: one row, whose
   * version and rules are of the same snapshot.
   */
  async enabledUnlessAt(db: EntityManager, known: string | null): Promise<{ version: string; rules: AlertRule[] | null }> {
    const [row]: Array<{ version: string; rules: AlertRule[] | null }> = await db.query(
      `SELECT v.version::text AS version,
         CASE WHEN v.version::text IS DISTINCT FROM $1 THEN (SELECT coalesce(json_agg(definition ORDER BY id), '[]') FROM alerting.rules WHERE enabled) END AS rules
       FROM alerting.rule_set_version v`,
      [known],
    );
    return row;
  }

  async list(db: EntityManager): Promise<AlertRule[]> {
    const rows: Array<{ definition: AlertRule }> = await db.query('SELECT definition FROM alerting.rules ORDER BY id');
    return rows.map((r) => r.definition);
  }

  /** The rule, locked for this transaction when `db` is one. */
  async find(db: EntityManager, id: string): Promise<AlertRule | undefined> {
    const rows: Array<{ definition: AlertRule }> = await db.query('SELECT definition FROM alerting.rules WHERE id = $1 FOR UPDATE', [id]);
    return rows[0]?.definition;
  }

  /** Inserts or replaces; answers whether the rule is new. */
  async upsert(tx: EntityManager, rule: AlertRule): Promise<boolean> {
    const rows: Array<{ inserted: boolean }> = await tx.query(
      `INSERT INTO alerting.rules (id, definition, enabled) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET definition = EXCLUDED.definition, enabled = EXCLUDED.enabled, updated_at = now()
       RETURNING (xmax = 0) AS inserted`,
      [rule.id, JSON.stringify(rule), rule.enabled],
    );
    return rows[0].inserted;
  }

  /** Deletes the rule with its (by then inactive) instances; history is kept. */
  async delete(tx: EntityManager, id: string): Promise<void> {
    await tx.query('DELETE FROM alerting.alert_instances WHERE rule_id = $1', [id]);
    await tx.query('DELETE FROM alerting.rules WHERE id = $1', [id]);
  }
}
