import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AlertRepository } from './alert.repository';
import { AlertStateService } from './alert-state.service';
import { ownershipEvent } from './alert-ownership';
import { RuleRepository } from './rule.repository';

/** Escalates firing alerts nobody acknowledged within their rule's `escalateAfterMs` (wall clock: people's time). */
@Injectable()
export class EscalateAlertsUseCase {
  constructor(
    private readonly alerts: AlertRepository,
    private readonly rules: RuleRepository,
    private readonly state: AlertStateService,
  ) {}

  async execute(tx: EntityManager, now: number): Promise<void> {
    for (const rule of (await this.rules.list(tx)).filter((r) => r.enabled && r.escalateAfterMs !== null)) {
      for (const instance of await this.alerts.lockEscalationDue(tx, rule.id, now - rule.escalateAfterMs!)) {
        const escalated = { ...instance, ownership: { ...instance.ownership, escalatedAt: now } };
        await this.state.announce(tx, escalated, ownershipEvent(escalated, 'escalated', now), null, rule.groupBy);
      }
    }
  }
}
