import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type AlertRule, evaluateRule, instanceLabels, markNoData, matchesAll } from '@airan/rule-engine';
import { AlertRepository } from '../alerts/alert.repository';
import { type AlertStep, AlertStateService } from '../alerts/alert-state.service';
import { LastSeenRepository } from './last-seen.repository';

/**
 * Absence rules on a timer: each site (or cell) gets the derived metric `silenceMs` = now − when its
 * last report was accepted. Only targets that could be silent, or whose alert is active, are looked at,
 * so a tick stays cheap with many healthy cells. A site that starts firing puts the other active alerts
 * of its cells into no-data: their evidence stopped, they are neither firing nor resolved.
 */
@Injectable()
export class EvaluateAbsenceUseCase {
  constructor(
    private readonly alerts: AlertRepository,
    private readonly state: AlertStateService,
    private readonly lastSeen: LastSeenRepository,
  ) {}

  /** `rules`: every rule, read once per tick. */
  async execute(tx: EntityManager, now: number, rules: readonly AlertRule[]): Promise<void> {
    const absenceRules = rules.filter((r) => r.enabled && r.kind === 'absence');
    for (const rule of absenceRules) {
      const active = await this.alerts.lockActiveOfRule(tx, rule.id);
      const target = rule.target ?? 'site';
      const silentFor = Math.min(...rule.all.map((c) => Math.min(c.threshold, c.recoveryThreshold ?? c.threshold)));
      const candidates = await this.lastSeen.silentOrListed(tx, target, now - silentFor, active.map((i) => i.labels[target]).filter(Boolean));
      const steps: AlertStep[] = candidates
        .filter((c) => matchesAll(rule.scope, instanceLabels(rule, c.labels)))
        .map((c) => {
          const values = { silenceMs: now - c.receivedAt };
          return { rule, target: c.labels, at: now, evaluate: (s) => evaluateRule(rule, s, values, now), value: values.silenceMs };
        });
      const applied = await this.state.apply(tx, steps);
      if (target !== 'site') continue;
      for (const { labels } of applied.filter((a) => a.transition === 'firing')) await this.markSiteNoData(tx, labels.site, rules, absenceRules, now);
    }
  }

  private async markSiteNoData(tx: EntityManager, site: string | undefined, rules: readonly AlertRule[], absenceRules: readonly AlertRule[], now: number): Promise<void> {
    if (!site) return;
    const instances = await this.alerts.lockActiveAtSite(tx, site, absenceRules.map((r) => r.id));
    const steps: AlertStep[] = instances.flatMap((i) => {
      const rule = rules.find((r) => r.id === i.ruleId);
      return rule ? [{ rule, target: i.labels, at: now, evaluate: (s) => markNoData(s, now), value: null }] : [];
    });
    await this.state.apply(tx, steps);
  }
}
