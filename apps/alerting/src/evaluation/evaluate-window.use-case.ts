import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CellLoadWindow } from '@airan/contracts';
import type { ConsumedMessage } from '@airan/kafka';
import { extractTraceContext } from '@airan/observability';
import { type AlertRule, describedValue, evaluateRule, matchesAll } from '@airan/rule-engine';
import { type AlertStep, AlertStateService } from '../alerts/alert-state.service';
import { skippedEvidence } from '../alerting.metrics';
import { AppliedWindowRepository } from './applied-window.repository';
import { RuleRepository } from '../rules/rule.repository';
import { newerRevisions } from './window-revisions';

/** The labels a window rule's instance carries: the cell and where it sits. */
export function windowTarget(w: CellLoadWindow): Record<string, string> {
  return { operator: w.operatorId, ...(w.pilotId ? { pilot: w.pilotId } : {}), site: w.siteId, cell: w.cellId };
}

/**
 * Evaluates every enabled window rule in scope on each closed window as it arrives (event time, no
 * polling), in offset order, inside the consumer's transaction. Each revision of a window is applied
 * once: one that is not newer than the last applied for its (cell, window) is skipped and counted.
 */
@Injectable()
export class EvaluateWindowUseCase {
  constructor(
    private readonly rules: RuleRepository,
    private readonly state: AlertStateService,
    private readonly appliedWindows: AppliedWindowRepository,
  ) {}

  async execute(tx: EntityManager, messages: ConsumedMessage<CellLoadWindow>[]): Promise<void> {
    const windows = messages.map((m) => m.value);
    const fresh = newerRevisions(messages, await this.appliedWindows.newest(tx, windows), (m) => m.value);
    skippedEvidence.inc({ kind: 'window', reason: 'duplicate' }, messages.length - fresh.length);
    await this.appliedWindows.record(tx, fresh.map((m) => m.value));
    const rules = await this.rules.enabled(tx, 'window');
    const steps = fresh.flatMap((message) => {
      const window = message.value;
      const target = windowTarget(window);
      const values = window as unknown as Record<string, number | null>;
      const at = Date.parse(window.windowEnd);
      return rules
        .filter((rule) => matchesAll(rule.scope, AlertStateService.labelsOf(rule, target)))
        .map(
          (rule: AlertRule): AlertStep => ({
            rule,
            target,
            at,
            evaluate: (s) => evaluateRule(rule, s, values, at),
            value: describedValue(rule, values),
            parentTrace: extractTraceContext(message.headers),
            sourceTraceIds: window.sourceTraceIds,
          }),
        );
    });
    await this.state.apply(tx, steps);
  }
}
