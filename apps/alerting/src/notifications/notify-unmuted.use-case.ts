import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AlertRule } from '@airan/rule-engine';
import { stableEventId } from '@airan/contracts';
import { AlertRepository } from '../alerts/alert.repository';
import { AlertStateService, isMuted } from '../alerts/alert-state.service';

/** Instances looked at per tick; the rest wait for the next one. */
const BATCH = 500;

/**
 * An alert that fired while silenced or inhibited and still fires once the silence ends or its
 * inhibitor resolves is announced then, as Alertmanager would at its next group interval: receivers
 * are never left unaware of a firing alert nobody muted any more.
 */
@Injectable()
export class NotifyUnmutedUseCase {
  constructor(
    private readonly alerts: AlertRepository,
    private readonly state: AlertStateService,
  ) {}

  /** `rules`: every rule, read once per tick. */
  async execute(tx: EntityManager, now: number, rules: readonly AlertRule[]): Promise<void> {
    const unheard = await this.alerts.lockFiringUnheard(tx, BATCH);
    if (unheard.length === 0) return;
    const mutingOf = await this.state.muting(tx, now);
    const groupBy = new Map(rules.map((r) => [r.id, r.groupBy]));
    for (const instance of unheard.filter((i) => !isMuted(mutingOf(i.fingerprint, i.labels)))) {
      const event = { ...instance.lastEvent!, id: stableEventId('alert', instance.fingerprint, 'unmuted', now), change: 'unmuted' as const, silencedBy: [], inhibitedBy: null };
      await this.state.announce(tx, { ...instance, notifiedFiring: true, firingWallAt: now }, event, null, groupBy.get(instance.ruleId) ?? []);
    }
  }
}
