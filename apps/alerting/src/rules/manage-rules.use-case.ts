import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { INFRA, type IssuePath, type ServiceInfra } from '@airan/http';
import { type AlertRule, parseRule, rulesFromYaml } from '@airan/rule-engine';
import { AlertRepository } from '../alerts/alert.repository';
import { AlertStateService } from '../alerts/alert-state.service';
import { AlertingError } from '../alerting.errors';
import { RuleRepository } from './rule.repository';

/**
 * Creating, replacing, deleting and importing rules. A rule that goes away or is disabled first
 * resolves its active alerts (announced and notified like any resolve).
 */
@Injectable()
export class ManageRulesUseCase {
  constructor(
    @Inject(INFRA) private readonly infra: ServiceInfra,
    private readonly rules: RuleRepository,
    private readonly alerts: AlertRepository,
    private readonly state: AlertStateService,
  ) {}

  /** Validates and stores one rule under `id`; answers it with defaults applied and whether it is new. */
  put(id: string, body: unknown): Promise<{ rule: AlertRule; created: boolean }> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AlertingError('INVALID_RULE', 'the body must be a JSON object', fieldErrors([{ path: '', message: 'expected an object' }]));
    const given = (body as { id?: unknown }).id;
    if (given !== undefined && given !== id) throw new AlertingError('INVALID_RULE', `the body's id "${String(given)}" differs from the path's "${id}"`, fieldErrors([{ path: 'id', message: 'must equal the id in the path' }]));
    const parsed = parseRule({ ...body, id });
    if (!parsed.ok) throw new AlertingError('INVALID_RULE', 'the rule is invalid', fieldErrors(parsed.issues));
    return this.infra.dataSource.transaction(async (tx) => ({ rule: parsed.rule, created: await this.store(tx, parsed.rule) }));
  }

  delete(id: string): Promise<void> {
    return this.infra.dataSource.transaction(async (tx) => {
      const rule = await this.rules.find(tx, id);
      if (!rule) throw new AlertingError('RULE_NOT_FOUND', `no rule has id ${id}`);
      await this.retireActive(tx, rule);
      await this.rules.delete(tx, id);
    });
  }

  /** Upserts every rule of a YAML document; with `replace`, rules missing from it are deleted. */
  import(yaml: string, replace: boolean): Promise<{ created: string[]; updated: string[]; deleted: string[] }> {
    const parsed = rulesFromYaml(yaml);
    if (!parsed.ok) throw new AlertingError('INVALID_RULES_YAML', 'the rules document is invalid', fieldErrors(parsed.issues));
    return this.infra.dataSource.transaction(async (tx) => {
      const created: string[] = [];
      const updated: string[] = [];
      for (const rule of parsed.rules) ((await this.store(tx, rule)) ? created : updated).push(rule.id);
      const keep = new Set(parsed.rules.map((r) => r.id));
      const deleted = replace ? (await this.rules.list(tx)).filter((r) => !keep.has(r.id)) : [];
      for (const rule of deleted) {
        await this.retireActive(tx, rule);
        await this.rules.delete(tx, rule.id);
      }
      return { created, updated, deleted: deleted.map((r) => r.id) };
    });
  }

  private async store(tx: EntityManager, rule: AlertRule): Promise<boolean> {
    const before = await this.rules.find(tx, rule.id);
    // Instances are identified by their labels: when those change, the old instances can never be evaluated again.
    const identityChanged = before && (before.alertname !== rule.alertname || before.severity !== rule.severity || JSON.stringify(before.labels) !== JSON.stringify(rule.labels));
    if (before && (identityChanged || (before.enabled && !rule.enabled))) await this.retireActive(tx, before);
    return this.rules.upsert(tx, rule);
  }

  private async retireActive(tx: EntityManager, rule: AlertRule): Promise<void> {
    const active = await this.alerts.lockActiveOfRule(tx, rule.id);
    await this.state.retire(tx, rule, active.map((i) => i.labels));
  }
}

/** Rule findings in the shape every airan error body uses: JSON paths rooted at `$`. */
function fieldErrors(issues: ReadonlyArray<{ path: string; message: string }>): IssuePath[] {
  return issues.map(({ path, message }) => ({ path: path === '' ? '$' : path.startsWith('[') ? `$${path}` : `$.${path}`, code: 'INVALID_VALUE', message }));
}
