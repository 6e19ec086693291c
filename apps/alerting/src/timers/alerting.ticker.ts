import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { INFRA, type ServiceInfra } from '@airan/http';
import { Clock } from '@airan/system';
import type { AlertingConfig } from '../alerting.config';
import { AppliedWindowRepository } from '../evaluation/applied-window.repository';
import { EscalateAlertsUseCase } from './escalate-alerts.use-case';
import { EvaluateAbsenceUseCase } from '../evaluation/evaluate-absence.use-case';
import { NotifyUnmutedUseCase } from '../notifications/notify-unmuted.use-case';
import { RuleRepository } from '../rules/rule.repository';

/** Any 64-bit key shared by every alerting instance: one of them runs a tick at a time. */
const TICK_LOCK = 0x616c7274;
/** Applied window revisions are kept for a day of event time behind the newest window, pruned at most hourly. */
const KEEP_APPLIED_WINDOWS_MS = 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;

/**
 * The timers: absence rules, silences running out and escalation are about time passing without evidence, so they run on a
 * clock (ALERTING_TICK_MS) rather than on events. Each tick is one transaction under an advisory lock,
 * so several alerting instances never evaluate the same tick twice. A tick also prunes the applied window revisions.
 */
@Injectable()
export class AlertingTicker implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private lastPrune = 0;

  constructor(
    @Inject(INFRA) private readonly infra: ServiceInfra<AlertingConfig>,
    private readonly absence: EvaluateAbsenceUseCase,
    private readonly escalate: EscalateAlertsUseCase,
    private readonly unmuted: NotifyUnmutedUseCase,
    private readonly rules: RuleRepository,
    private readonly appliedWindows: AppliedWindowRepository,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .catch((error: Error) => this.infra.logger.warn({ err: error.message }, 'alerting tick failed'))
        .finally(() => this.schedule());
    }, this.infra.config.ALERTING_TICK_MS);
  }

  private tick(): Promise<void> {
    return this.infra.dataSource.transaction(async (tx) => {
      const [{ locked }]: Array<{ locked: boolean }> = await tx.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [TICK_LOCK]);
      if (!locked) return;
      const now = this.clock.now();
      const rules = await this.rules.list(tx);
      await this.absence.execute(tx, now, rules);
      await this.unmuted.execute(tx, now, rules);
      await this.escalate.execute(tx, now, rules);
      if (now - this.lastPrune >= PRUNE_EVERY_MS) {
        this.lastPrune = now;
        await this.appliedWindows.prune(tx, KEEP_APPLIED_WINDOWS_MS);
      }
    });
  }
}
