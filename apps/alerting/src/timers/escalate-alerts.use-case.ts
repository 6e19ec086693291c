import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AlertRule } from '@airan/rule-engine';
import { AlertRepository } from '../alerts/alert.repository';
import { AlertStateService } from '../alerts/alert-state.service';
import { ownershipEvent } from '../alerts/alert-ownership';

/** Escalates firing alerts nobody acknowledged within their rule's `escalateAfterMs` (wall clock: people's time). */
@Injectable()
export class EscalateAlertsUseCase {
  constructor(
    private readonly alerts: AlertRepository,
    private readonly state: AlertStateService,
  ) {}

  /** `rules`: every rule, read once per tick. */
  async execute(tx: EntityManager, now: number, rules: readonly AlertRule[]): Promise<void> {
    for (const rule of rules.filter((r) => r.enabled && r.escalateAfterMs !== null)) {
      for (const instance of await this.alerts.lockEscalationDue(tx, rule.id, now - rule.escalateAfterMs!)) {
        const escalated = { ...instance, ownership: { ...instance.ownership, escalatedAt: now } };
        await this.state.announce(tx, escalated, ownershipEvent(escalated, 'escalated', now), null, rule.groupBy);
      }
    }
  }
}
