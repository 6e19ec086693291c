import { Inject, Injectable } from '@nestjs/common';
import type { AlertEvent } from '@airan/contracts';
import { INFRA, type ServiceInfra } from '@airan/http';
import { Clock } from '@airan/system';
import { AlertRepository, type AlertOwnership } from '../alerts/alert.repository';
import { AlertStateService } from '../alerts/alert-state.service';
import { AlertingError } from '../alerting.errors';
import { ownershipEvent } from '../alerts/alert-ownership';
import { RuleRepository } from '../rules/rule.repository';

export type AlertAction =
  | { readonly kind: 'acknowledged'; readonly comment: string }
  | { readonly kind: 'unacknowledged' }
  | { readonly kind: 'assigned'; readonly assignee: string | null };

/** Acknowledge, unacknowledge or assign an active alert; announced on `airan.alerts.v1` and to receivers that track it (PagerDuty). */
@Injectable()
export class ActOnAlertUseCase {
  constructor(
    @Inject(INFRA) private readonly infra: ServiceInfra,
    private readonly alerts: AlertRepository,
    private readonly rules: RuleRepository,
    private readonly state: AlertStateService,
    private readonly clock: Clock,
  ) {}

  execute(fingerprint: string, actor: string, action: AlertAction): Promise<AlertEvent> {
    return this.infra.dataSource.transaction(async (tx) => {
      const instance = (await this.alerts.lock(tx, [fingerprint])).get(fingerprint);
      if (!instance || instance.lastEvent === null) throw new AlertingError('ALERT_NOT_FOUND', `no alert has fingerprint ${fingerprint}`);
      if (instance.state.phase === 'inactive') throw new AlertingError('ALERT_NOT_ACTIVE', `alert ${fingerprint} is resolved; only active alerts can be acknowledged or assigned`);
      const now = this.clock.now();
      const ownership = nextOwnership(instance.ownership, actor, action, now);
      const updated = { ...instance, ownership };
      const event = ownershipEvent(updated, action.kind, now);
      const rule = await this.rules.find(tx, instance.ruleId);
      await this.state.announce(tx, updated, event, actor, rule?.groupBy ?? []);
      return event;
    });
  }
}

function nextOwnership(o: AlertOwnership, actor: string, action: AlertAction, now: number): AlertOwnership {
  switch (action.kind) {
    case 'acknowledged':
      return { ...o, ackBy: actor, ackAt: now, ackComment: action.comment };
    case 'unacknowledged':
      return { ...o, ackBy: null, ackAt: null, ackComment: null };
    case 'assigned':
      return { ...o, assignee: action.assignee };
  }
}
