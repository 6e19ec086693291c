import { Inject, Injectable } from '@nestjs/common';
import type { Context } from '@opentelemetry/api';
import type { EntityManager } from 'typeorm';
import { ALERT_SCHEMA, type AlertEvent, stableEventId } from '@airan/contracts';
import { OutboxRepository } from '@airan/database';
import { INFRA, type ServiceInfra } from '@airan/http';
import { Clock } from '@airan/system';
import { counter, injectTraceHeaders, withSpan } from '@airan/observability';
import {
  type AlertRule,
  DEFAULT_INHIBIT_RULES,
  type Evaluation,
  INACTIVE,
  type Transition,
  activeSilences,
  fingerprint,
  groupKey,
  groupLabels,
  inhibitedBy,
  instanceLabels,
  renderTemplate,
  silencesEndingOnResolve,
  type Observation,
  usesPrevious,
} from '@airan/rule-engine';
import { type AlertChange, type AlertInstance, AlertRepository, UNOWNED } from './alert.repository';
import { AlertNotifier, type NotifiableChange } from '../notifications/alert.notifier';
import { skippedEvidence } from '../alerting.metrics';
import { SilenceRepository } from '../silences/silence.repository';

const transitions = counter('airan_alerting_transitions_total', 'Alert state changes, by status', ['status']);

/** One step of one alert instance: a rule, the labels it applies to, and how its state moves. */
export interface AlertStep {
  readonly rule: AlertRule;
  /** Labels of the observed object (operator, site, cell, ...); alertname, severity and rule labels are added. */
  readonly target: Readonly<Record<string, string>>;
  /** Event time of the evidence. */
  readonly at: number;
  readonly evaluate: (state: AlertInstance['state']) => Evaluation;
  /**
   * The observation before this one, when the evidence brings it (a cell window brings its cell's
   * preceding window): `evaluate` compares `dropPct` with it, so the instance need not remember anything.
   */
  readonly preceding?: Observation;
  /** The value this evidence shows for the rule (annotations' `$value`), when it has one. */
  readonly value: number | null;
  /** Trace of the evidence: the transition span continues it. */
  readonly parentTrace?: Context;
  readonly sourceTraceIds?: readonly string[];
}

/** Why receivers would not hear of an alert now. */
export interface Muting {
  readonly silencedBy: string[];
  readonly inhibitedBy: string | null;
  /** Silences that end when this alert resolves. */
  readonly endingOnResolve: string[];
}

export const isMuted = (m: Muting) => m.silencedBy.length > 0 || m.inhibitedBy !== null;

/** A transition `apply` made, for callers that react to one (absence firing marks cells no-data). */
export interface AppliedTransition {
  readonly labels: Readonly<Record<string, string>>;
  readonly transition: Transition;
}

const iso = (ms: number) => new Date(ms).toISOString();
const SOURCE_ALERTNAMES = inhibitionSourceAlertnames();

/**
 * Moves alert instances through their states and records what changed, all in the caller's
 * transaction: instance state, history, `airan.alerts.v1` events (outbox) and notifications. Silences
 * and inhibition mute notifications only: the alert still moves through its states in history.
 */
@Injectable()
export class AlertStateService {
  private readonly fingerprints = new Map<string, string>();

  constructor(
    @Inject(INFRA) private readonly infra: ServiceInfra,
    private readonly alerts: AlertRepository,
    private readonly silences: SilenceRepository,
    private readonly notifier: AlertNotifier,
    private readonly outbox: OutboxRepository,
    private readonly clock: Clock,
  ) {}

  async apply(tx: EntityManager, allSteps: readonly AlertStep[]): Promise<AppliedTransition[]> {
    const labelled = await this.relevant(tx, allSteps);
    if (labelled.length === 0) return [];
    const instances = await this.alerts.lock(tx, [...new Set(labelled.map((l) => l.fingerprint))]);
    const now = this.clock.now();
    const mutingOf = await this.muting(tx, now);
    const touched = new Map<string, AlertInstance>();
    const changes: AlertChange[] = [];
    const notifiable: NotifiableChange[] = [];
    const endedSilences = new Set<string>();
    const applied: AppliedTransition[] = [];

    for (const { step, labels, fingerprint: fp } of labelled) {
      const before = instances.get(fp) ?? newInstance(step.rule, fp, labels);
      // What `relevant` drops between batches is dropped within one too: evidence that leaves an inactive
      // alert inactive. Otherwise how the evidence happened to be batched would decide how far an inactive
      // alert was evaluated, and so whether a later, late sample counts.
      if (before.state.phase === 'inactive' && !remembers(step) && isIdle(step.evaluate(INACTIVE))) continue;
      const evaluation = step.evaluate(before.state);
      if (evaluation.skipped) {
        skippedEvidence.inc({ kind: step.rule.kind, reason: evaluation.skipped });
        continue;
      }
      const held = evaluation.state.lastTrueAt === step.at && evaluation.state.phase !== 'inactive';
      let next: AlertInstance = { ...before, state: evaluation.state, activeValue: held ? step.value : before.activeValue };
      const transition = evaluation.transition;
      if (transition) {
        const muting = mutingOf(fp, labels);
        const event = await this.describe(step, before, next, transition, muting);
        const heard = transition === 'firing' ? !isMuted(muting) : transition === 'resolved' && before.notifiedFiring;
        next = afterTransition(next, transition, now, heard, event);
        if (heard) notifiable.push({ event, groupKey: next.groupKey, groupBy: step.rule.groupBy });
        if (transition === 'resolved') muting.endingOnResolve.forEach((id) => endedSilences.add(id));
        changes.push({ eventId: event.id, fingerprint: fp, status: event.status, change: 'state', actor: null, value: event.value, evaluatedAt: step.at });
        applied.push({ labels, transition });
        await this.outbox.add(tx, [{ eventId: event.id, topic: this.infra.topics.alerts, key: fp, value: event, headers: traceHeaders(event) }]);
      }
      instances.set(fp, next);
      touched.set(fp, next);
    }
    await this.alerts.save(tx, [...touched.values()]);
    await this.alerts.recordChanges(tx, changes);
    await this.silences.expire(tx, [...endedSilences], 'resolve', now);
    await this.notifier.notify(tx, notifiable);
    return applied;
  }

  /** A rule that is deleted or disabled resolves its active alerts, so no receiver is left with one firing forever. */
  async retire(tx: EntityManager, rule: AlertRule, activeLabels: ReadonlyArray<Readonly<Record<string, string>>>): Promise<void> {
    const now = this.clock.now();
    await this.apply(
      tx,
      activeLabels.map((target) => ({ rule, target, at: now, value: null, evaluate: (s) => ({ state: { ...INACTIVE, flapTimes: s.flapTimes, evaluatedThrough: s.evaluatedThrough }, transition: 'resolved' as const }) })),
    );
  }

  /**
   * The steps that can change something, with their labels and fingerprints. Most evidence of a healthy
   * fleet leaves an inactive alert inactive: such a step is dropped unless its instance is active (read
   * once per batch, per rule) or the instance must remember it (`remembers`). A fingerprint with
   * one step that starts an episode keeps all its steps, in order.
   */
  private async relevant(tx: EntityManager, steps: readonly AlertStep[]): Promise<Array<{ step: AlertStep; labels: Record<string, string>; fingerprint: string }>> {
    if (steps.length === 0) return [];
    const active = await this.alerts.activeFingerprints(tx, [...new Set(steps.map((s) => s.rule.id))]);
    const started = new Set<string>();
    const startedRules = new Set<string>();
    const kept: Array<{ step: AlertStep; labels: Record<string, string>; fingerprint: string }> = [];
    for (const step of steps) {
      const idle = !remembers(step) && isIdle(step.evaluate(INACTIVE));
      // No instance of this rule is active or was started earlier in the batch: no fingerprint needed to know it stays idle.
      if (idle && !active.rules.has(step.rule.id) && !startedRules.has(step.rule.id)) continue;
      const labels = instanceLabels(step.rule, step.target);
      const fp = this.fingerprintOf(labels);
      if (!idle) {
        started.add(fp);
        startedRules.add(step.rule.id);
      } else if (!started.has(fp) && !active.fingerprints.has(fp)) continue;
      kept.push({ step, labels, fingerprint: fp });
    }
    return kept;
  }

  /** Fingerprints by label set: the same cells are evaluated batch after batch, and FNV over BigInt is not free. */
  private fingerprintOf(labels: Record<string, string>): string {
    const key = JSON.stringify(labels);
    let fp = this.fingerprints.get(key);
    if (fp === undefined) {
      if (this.fingerprints.size >= FINGERPRINT_CACHE_SIZE) this.fingerprints.clear();
      fp = fingerprint(labels);
      this.fingerprints.set(key, fp);
    }
    return fp;
  }

  /** Records a change that is not an evaluation (people acting, escalation, muting ending), announces it and tells the receivers that hear it. */
  async announce(tx: EntityManager, instance: AlertInstance, event: AlertEvent, actor: string | null, groupBy: readonly string[]): Promise<void> {
    await this.alerts.save(tx, [{ ...instance, lastEvent: event }]);
    await this.alerts.recordChanges(tx, [{ eventId: event.id, fingerprint: instance.fingerprint, status: event.status, change: event.change, actor, value: event.value, evaluatedAt: Date.parse(event.evaluatedAt) }]);
    await this.outbox.add(tx, [{ eventId: event.id, topic: this.infra.topics.alerts, key: instance.fingerprint, value: event, headers: traceHeaders(event) }]);
    await this.notifier.notify(tx, [{ event, groupKey: instance.groupKey, groupBy }]);
  }

  /** What mutes an alert now: the silences and firing inhibitors are read once, then checked per alert. */
  async muting(tx: EntityManager, now: number): Promise<(fp: string, labels: Readonly<Record<string, string>>) => Muting> {
    const silences = await this.silences.unexpired(tx, now);
    const inhibitors = await this.alerts.firingWithAlertnames(tx, SOURCE_ALERTNAMES);
    return (fp, labels) => ({
      silencedBy: activeSilences(silences, labels, now),
      inhibitedBy: inhibitedBy({ fingerprint: fp, labels }, inhibitors, DEFAULT_INHIBIT_RULES),
      endingOnResolve: silencesEndingOnResolve(silences, labels, now),
    });
  }

  /** The event for a state change, inside a span that continues the evidence's trace. */
  private describe(step: AlertStep, before: AlertInstance, next: AlertInstance, status: Transition, muted: Muting): Promise<AlertEvent> {
    transitions.inc({ status });
    return withSpan('alerting.transition', { parent: step.parentTrace, attributes: { 'airan.alert.fingerprint': next.fingerprint, 'airan.alert.status': status } }, async () => {
      this.infra.logger.info({ fingerprint: next.fingerprint, alertname: next.labels.alertname, status }, 'alert transition');
      const endsEpisode = status === 'resolved' || status === 'nodata';
      // A resolve is described with the last value that held, as Prometheus does.
      const described = status === 'resolved' ? before.activeValue : next.activeValue;
      const episodeStart = (endsEpisode ? before.state.activeSince : next.state.activeSince) ?? step.at;
      const { ownership } = before;
      return {
        schema: ALERT_SCHEMA,
        id: stableEventId('alert', next.fingerprint, status, step.at),
        fingerprint: next.fingerprint,
        ruleId: step.rule.id,
        status,
        change: 'state',
        labels: next.labels,
        annotations: Object.fromEntries(Object.entries(step.rule.annotations).map(([k, t]) => [k, renderTemplate(t, described, next.labels)])),
        value: step.value,
        startsAt: iso(episodeStart),
        endsAt: status === 'resolved' ? iso(step.at) : null,
        evaluatedAt: iso(step.at),
        acknowledgement: ownership.ackBy === null ? null : { by: ownership.ackBy, at: iso(ownership.ackAt!), comment: ownership.ackComment ?? '' },
        assignee: ownership.assignee,
        escalatedAt: ownership.escalatedAt === null ? null : iso(ownership.escalatedAt),
        silencedBy: muted.silencedBy,
        inhibitedBy: muted.inhibitedBy,
        flapping: next.state.flapping || before.state.flapping,
        trace: { traceparent: injectTraceHeaders().traceparent ?? null, sourceTraceIds: step.sourceTraceIds ?? [] },
      };
    });
  }
}

/** The event's own span travels with it, so consumers continue the trace from the transition. */
const traceHeaders = (event: AlertEvent): Record<string, string> => (event.trace.traceparent ? { traceparent: event.trace.traceparent } : {});

function newInstance(rule: AlertRule, fp: string, labels: Record<string, string>): AlertInstance {
  return {
    fingerprint: fp,
    ruleId: rule.id,
    labels,
    groupKey: groupKey(groupLabels(rule.groupBy, labels)),
    state: INACTIVE,
    activeValue: null,
    notifiedFiring: false,
    firingWallAt: null,
    ownership: UNOWNED,
    lastEvent: null,
  };
}

/** Bookkeeping after a transition: who heard it, when it began firing; a resolve ends ownership. */
function afterTransition(instance: AlertInstance, transition: Transition, now: number, heard: boolean, event: AlertEvent): AlertInstance {
  switch (transition) {
    case 'firing':
      return { ...instance, notifiedFiring: heard, firingWallAt: now, lastEvent: event };
    case 'resolved':
      return { ...instance, notifiedFiring: false, firingWallAt: null, ownership: UNOWNED, lastEvent: event };
    default:
      return { ...instance, lastEvent: event };
  }
}

const FINGERPRINT_CACHE_SIZE = 200_000;

/**
 * Whether the instance must remember this evidence for the next one's `dropPct`: then even evidence that
 * leaves it inactive is kept, and its instance written.
 */
const remembers = (step: AlertStep) => usesPrevious(step.rule) && step.preceding === undefined;

/** An evaluation that leaves an inactive alert inactive, announcing nothing. */
const isIdle = (e: Evaluation) => !e.transition && e.state.phase === 'inactive';

/** Alertnames that can inhibit (from `alertname="..."` source matchers); 'all' when a rule has none. */
function inhibitionSourceAlertnames(): string[] | 'all' {
  const names = DEFAULT_INHIBIT_RULES.map((r) => r.sourceMatchers.find((m) => m.name === 'alertname' && m.op === '=')?.value);
  return names.every((n): n is string => n !== undefined) ? [...new Set(names)] : 'all';
}
