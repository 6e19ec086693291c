import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CellLoadWindow } from '@airan/contracts';
import type { ConsumedMessage } from '@airan/kafka';
import { extractTraceContext } from '@airan/observability';
import { type AlertRule, type MetricValues, comparedMetrics, describedValue, evaluateRule, observationOf } from '@airan/rule-engine';
import { type AlertStep, AlertStateService } from '../alerts/alert-state.service';
import { skippedEvidence } from '../alerting.metrics';
import { AppliedWindowRepository } from './applied-window.repository';
import { EnabledRules } from '../rules/enabled-rules.cache';
import { newerRevisions, precedingObservations } from './window-revisions';

/** The labels a window rule's instance carries: the cell and where it sits. */
export function windowTarget(w: CellLoadWindow): Record<string, string> {
  return { operator: w.operatorId, ...(w.pilotId ? { pilot: w.pilotId } : {}), site: w.siteId, cell: w.cellId };
}

/** A window's figures as the metrics rules compare. */
const metricsOf = (w: CellLoadWindow) => w as unknown as MetricValues;

/**
 * Evaluates every enabled window rule in scope on each closed window as it arrives (event time, no
 * polling), in offset order, inside the consumer's transaction. Each revision of a window is applied
 * once: one that is not newer than the last applied for its (cell, window) is skipped and counted.
 * `dropPct` compares a window with its cell's preceding applied window, read with the applied revisions,
 * so an inactive instance is neither read nor written for it.
 */
@Injectable()
export class EvaluateWindowUseCase {
  constructor(
    private readonly rules: EnabledRules,
    private readonly state: AlertStateService,
    private readonly appliedWindows: AppliedWindowRepository,
  ) {}

  async execute(tx: EntityManager, messages: ConsumedMessage<CellLoadWindow>[]): Promise<void> {
    const rules = await this.rules.in(tx);
    // Only what some rule compares with the next window is kept of each, and read back for it.
    const compared = comparedMetrics(rules.rules.filter((r) => r.kind === 'window'));
    const applied = await this.appliedWindows.lookup(tx, messages.map((m) => m.value), compared.length > 0);
    const fresh = newerRevisions(messages, applied.revisions, (m) => m.value);
    skippedEvidence.inc({ kind: 'window', reason: 'duplicate' }, messages.length - fresh.length);
    const windows = fresh.map(({ value: w }) => ({ cellId: w.cellId, windowStart: w.windowStart, revision: w.revision, observed: observationOf(compared, metricsOf(w)) }));
    const preceding = precedingObservations(windows, applied.preceding);
    await this.appliedWindows.record(tx, windows);
    const steps = fresh.flatMap((message, i) => {
      const window = message.value;
      const target = windowTarget(window);
      const values = metricsOf(window);
      const at = Date.parse(window.windowEnd);
      return rules
        .matching('window', target)
        .map(
          (rule: AlertRule): AlertStep => ({
            rule,
            target,
            at,
            evaluate: (s) => evaluateRule(rule, s, values, at, preceding[i]),
            preceding: preceding[i],
            value: describedValue(rule, values),
            parentTrace: extractTraceContext(message.headers),
            sourceTraceIds: window.sourceTraceIds,
          }),
        );
    });
    await this.state.apply(tx, steps);
  }
}
