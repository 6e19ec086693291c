import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ALERT_SCHEMA, type AlertEvent, type CellLoadWindow, stableEventId } from '@airan/contracts';
import { OutboxRepository } from '@airan/database';
import { INFRA, type ServiceInfra } from '@airan/http';
import type { ConsumedMessage } from '@airan/kafka';
import { counter, extractTraceContext, injectTraceHeaders, withSpan } from '@airan/observability';
import { INACTIVE, type RuleState, type ThresholdRule, type Transition, evaluateThreshold, fingerprint, renderTemplate } from '@airan/rule-engine';
import { type AlertChange, type AlertInstance, AlertRepository } from './alert.repository';
import { NotificationRepository } from './notification.repository';
import { type Receiver } from './receivers';

export const RECEIVERS = Symbol('RECEIVERS');

const transitions = counter('airan_alerting_transitions_total', 'Alert state changes, by status', ['status']);

interface Candidate {
  readonly message: ConsumedMessage<CellLoadWindow>;
  readonly rule: ThresholdRule;
  readonly labels: Record<string, string>;
  readonly fingerprint: string;
}

/**
 * Evaluates every enabled window rule on each closed window as it arrives (event time, no polling),
 * in offset order, and records state, history and `airan.alerts.v1` events in the consumer's transaction.
 */
@Injectable()
export class EvaluateWindowUseCase {
  private readonly outbox = new OutboxRepository('alerting');

  constructor(
    @Inject(INFRA) private readonly infra: ServiceInfra,
    private readonly alerts: AlertRepository,
    private readonly notifications: NotificationRepository,
    @Inject(RECEIVERS) private readonly receivers: Receiver[],
  ) {}

  async execute(tx: EntityManager, messages: ConsumedMessage<CellLoadWindow>[]): Promise<void> {
    const rules = await this.alerts.enabledRules(tx);
    const candidates: Candidate[] = messages.flatMap((message) =>
      rules.map((rule) => {
        const w = message.value;
        const labels = { alertname: rule.alertname, severity: rule.severity, operator: w.operatorId, site: w.siteId, cell: w.cellId, ...rule.labels };
        return { message, rule, labels, fingerprint: fingerprint(labels) };
      }),
    );
    const states = await this.alerts.lockStates(tx, [...new Set(candidates.map((c) => c.fingerprint))]);
    const touched = new Map<string, AlertInstance>();
    const changes: AlertChange[] = [];

    for (const candidate of candidates) {
      const window = candidate.message.value;
      const value = metricOf(window, candidate.rule.metric);
      const at = Date.parse(window.windowEnd);
      const before = states.get(candidate.fingerprint) ?? { state: INACTIVE, activeValue: null };
      const { state, transition } = evaluateThreshold(candidate.rule, before.state, value, at);
      const activeValue = state.phase === 'inactive' ? before.activeValue : value;
      states.set(candidate.fingerprint, { state, activeValue });
      touched.set(candidate.fingerprint, { fingerprint: candidate.fingerprint, ruleId: candidate.rule.id, labels: candidate.labels, state, activeValue });
      if (!transition) continue;
      const eventId = stableEventId('alert', candidate.fingerprint, transition, at);
      changes.push({ eventId, fingerprint: candidate.fingerprint, status: transition, value, evaluatedAt: at });
      const resolved = transition === 'resolved';
      const event = await this.announce(tx, candidate, eventId, transition, resolved ? before.state : state, value, resolved ? before.activeValue : value, at);
      // Receivers hear firing and resolved, not pending (as with Alertmanager).
      if (event.status !== 'pending') await this.notify(tx, event);
    }
    await this.alerts.saveStates(tx, [...touched.values()]);
    await this.alerts.recordChanges(tx, changes);
  }

  private notify(tx: EntityManager, event: AlertEvent): Promise<void> {
    return this.notifications.enqueue(
      tx,
      this.receivers.map((r) => ({ id: stableEventId('notify', r.name, event.id), receiver: r.name, kind: r.kind, url: r.url, fingerprint: event.fingerprint, status: event.status, body: r.body(event) })),
    );
  }

  /** Writes the change to the outbox inside a span that continues the window's trace. */
  private announce(tx: EntityManager, c: Candidate, eventId: string, status: Transition, episode: RuleState, value: number | null, describedValue: number | null, at: number): Promise<AlertEvent> {
    transitions.inc({ status });
    return withSpan('alerting.transition', { parent: extractTraceContext(c.message.headers), attributes: { 'airan.alert.fingerprint': c.fingerprint, 'airan.alert.status': status } }, async () => {
      const headers = injectTraceHeaders();
      const event: AlertEvent = {
        schema: ALERT_SCHEMA,
        id: eventId,
        fingerprint: c.fingerprint,
        ruleId: c.rule.id,
        status,
        labels: c.labels,
        annotations: Object.fromEntries(Object.entries(c.rule.annotations).map(([k, t]) => [k, renderTemplate(t, describedValue, c.labels)])),
        value,
        startsAt: new Date(episode.activeSince ?? at).toISOString(),
        endsAt: status === 'resolved' ? new Date(at).toISOString() : null,
        evaluatedAt: new Date(at).toISOString(),
        trace: { traceparent: headers.traceparent ?? null, sourceTraceIds: c.message.value.sourceTraceIds },
      };
      await this.outbox.add(tx, [{ eventId, topic: this.infra.topics.alerts, key: c.fingerprint, value: event, headers }]);
      return event;
    });
  }
}

function metricOf(window: CellLoadWindow, metric: string): number | null {
  const value = (window as unknown as Record<string, unknown>)[metric];
  return typeof value === 'number' ? value : null;
}
