import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { TelemetryReport } from '@airan/contracts';
import { type ConsumedMessage, RegistryCache } from '@airan/kafka';
import { extractTraceContext, linkFromHeaders } from '@airan/observability';
import { type AlertRule, type RuleIndex, describedValue, evaluateSample } from '@airan/rule-engine';
import { type AlertStep, AlertStateService } from '../alerts/alert-state.service';
import { LastSeenRepository, type Sighting } from './last-seen.repository';
import { EnabledRules } from '../rules/enabled-rules.cache';

type Values = Readonly<Record<string, number | null | undefined>>;

interface Observed {
  readonly source: 'cell' | 'gpu';
  readonly target: Record<string, string>;
  readonly values: Values;
  readonly at: number;
}

/**
 * Consumes raw site reports: records when each site and cell last reported (for absence rules) and
 * evaluates sample rules on each cell or GPU sample as it arrives, for conditions that cannot wait
 * for a window to close. In offset order, inside the consumer's transaction. A sample an instance has
 * evaluated already (an exact re-send) or that is older than its newest (a late one) changes nothing.
 */
@Injectable()
export class EvaluateSamplesUseCase {
  constructor(
    private readonly rules: EnabledRules,
    private readonly state: AlertStateService,
    private readonly lastSeen: LastSeenRepository,
    private readonly registry: RegistryCache,
  ) {}

  async execute(tx: EntityManager, messages: ConsumedMessage<TelemetryReport>[]): Promise<void> {
    const rules = await this.rules.in(tx);
    // Cells' last-seen times are kept only while an absence rule watches cells: sites are few, cells many.
    const watchCells = rules.rules.some((r) => r.kind === 'absence' && r.target === 'cell');
    const steps: AlertStep[] = [];
    const sightings: Sighting[] = [];
    for (const message of messages) {
      const report = message.value;
      const site = this.siteLabels(report);
      sightings.push(...sightingsOf(report, site, watchCells));
      const observed: Observed[] = [
        ...report.cells.map((c) => ({ source: 'cell' as const, target: { ...site, cell: c.cellId }, values: c as unknown as Values, at: c.ts })),
        ...report.gpus.map((g) => ({ source: 'gpu' as const, target: { ...site, node: g.node, gpu: g.device }, values: g as unknown as Values, at: g.ts })),
      ];
      const parentTrace = extractTraceContext(message.headers);
      const traceId = linkFromHeaders(message.headers)?.context.traceId;
      steps.push(...ruleByRule(rules, observed).map(([rule, o]) => sampleStep(rule, o, parentTrace, traceId)));
    }
    await this.lastSeen.record(tx, sightings);
    await this.state.apply(tx, steps);
  }

  private siteLabels(report: TelemetryReport): Record<string, string> {
    const pilot = this.registry.get('site', report.siteId)?.pilotId;
    return { operator: report.operatorId, ...(pilot ? { pilot } : {}), site: report.siteId };
  }
}

/** Each rule's matching observations, rule by rule in the rules' order, then in the report's order. */
function ruleByRule(rules: RuleIndex, observed: readonly Observed[]): Array<[AlertRule, Observed]> {
  const matched = new Map<AlertRule, Observed[]>();
  for (const o of observed) {
    for (const rule of rules.matching(o.source, o.target)) {
      const ofRule = matched.get(rule);
      if (ofRule) ofRule.push(o);
      else matched.set(rule, [o]);
    }
  }
  return rules.rules.flatMap((rule) => (matched.get(rule) ?? []).map((o): [AlertRule, Observed] => [rule, o]));
}

function sampleStep(rule: AlertRule, o: Observed, parentTrace: AlertStep['parentTrace'], traceId: string | undefined): AlertStep {
  return {
    rule,
    target: o.target,
    at: o.at,
    evaluate: (s) => evaluateSample(rule, s, o.values, o.at),
    value: describedValue(rule, o.values),
    parentTrace,
    sourceTraceIds: traceId ? [traceId] : [],
  };
}

function sightingsOf(report: TelemetryReport, site: Record<string, string>, withCells: boolean): Sighting[] {
  const times = [...report.cells.map((c) => c.ts), ...report.gpus.map((g) => g.ts), ...report.heartbeats];
  if (times.length === 0) return [];
  const eventAt = Math.max(...times);
  return [
    { target: 'site', id: report.siteId, labels: site, eventAt, receivedAt: report.receivedAt },
    ...(withCells ? report.cells : []).map((c) => ({ target: 'cell' as const, id: c.cellId, labels: { ...site, cell: c.cellId }, eventAt: c.ts, receivedAt: report.receivedAt })),
  ];
}
