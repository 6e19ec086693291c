import type { EntityManager } from 'typeorm';
import type { AlertEvent } from '@airan/contracts';
import type { OutboxEvent, OutboxRepository } from '@airan/database';
import type { ServiceInfra } from '@airan/http';
import { Clock } from '@airan/system';
import { type AlertRule, type MetricValues, type Observation, evaluateRule, evaluateSample, fingerprint, instanceLabels, parseRule } from '@airan/rule-engine';
import type { AlertChange, AlertInstance, AlertRepository } from './alert.repository';
import type { AlertNotifier, NotifiableChange } from '../notifications/alert.notifier';
import { type AlertStep, AlertStateService } from './alert-state.service';
import { DEFAULT_RULES } from '../rules/default-rules';
import type { SilenceRepository } from '../silences/silence.repository';

/** Alert instances and what was recorded, in memory: the service's side effects, each behind its repository. */
class Recorded {
  readonly instances = new Map<string, AlertInstance>();
  readonly changes: AlertChange[] = [];
  readonly events: OutboxEvent[] = [];
  readonly notified: NotifiableChange[] = [];
  locks = 0;

  readonly alerts = {
    lock: async (_tx: EntityManager, fps: readonly string[]) => {
      this.locks++;
      return new Map(fps.flatMap((fp) => (this.instances.has(fp) ? [[fp, this.instances.get(fp)!] as const] : [])));
    },
    activeFingerprints: async (_db: EntityManager, ruleIds: readonly string[]) => {
      const active = [...this.instances.values()].filter((i) => i.state.phase !== 'inactive' && ruleIds.includes(i.ruleId));
      return { fingerprints: new Set(active.map((i) => i.fingerprint)), rules: new Set(active.map((i) => i.ruleId)) };
    },
    firingWithAlertnames: async () => [],
    save: async (_tx: EntityManager, instances: readonly AlertInstance[]) => instances.forEach((i) => this.instances.set(i.fingerprint, i)),
    recordChanges: async (_tx: EntityManager, changes: readonly AlertChange[]) => void this.changes.push(...changes),
  };
  readonly silences = { unexpired: async () => [], expire: async () => [] };
  readonly notifier = { notify: async (_tx: EntityManager, changes: readonly NotifiableChange[]) => void this.notified.push(...changes) };
  readonly outbox = { add: async (_tx: EntityManager, events: readonly OutboxEvent[]) => void this.events.push(...events) };

  service(): AlertStateService {
    const infra = { topics: { alerts: 'airan.alerts.v1' }, logger: { info: () => undefined } } as unknown as ServiceInfra;
    return new AlertStateService(
      infra,
      this.alerts as unknown as AlertRepository,
      this.silences as unknown as SilenceRepository,
      this.notifier as unknown as AlertNotifier,
      this.outbox as unknown as OutboxRepository,
      new Clock(),
    );
  }

  statuses(): string[] {
    return this.events.map((e) => (e.value as AlertEvent).status);
  }
}

const tx = {} as EntityManager;
const MIN = 60_000;
const cell = { operator: 'skt', site: 'skt-seoul-01', cell: 'skt-seoul-01-c1' };
const windowStep = (rule: AlertRule, at: number, values: MetricValues, preceding?: Observation): AlertStep => ({
  rule, target: cell, at, value: null, evaluate: (s) => evaluateRule(rule, s, values, at, preceding), preceding,
});
const shipped = (id: string) => DEFAULT_RULES.find((r) => r.id === id)!;

describe('AlertStateService.apply', () => {
  it('skips evidence that leaves an inactive alert inactive, without reading or writing any instance', async () => {
    const store = new Recorded();
    const applied = await store.service().apply(tx, [windowStep(shipped('inference-load-high'), MIN, { inferenceLoad: 0.3 })]);
    expect(applied).toEqual([]);
    expect(store.locks).toBe(0);
    expect(store.instances.size).toBe(0);
  });

  it('skips idle evidence of a dropPct rule that brings its preceding observation, and fires on a drop from it', async () => {
    const store = new Recorded();
    const service = store.service();
    const rule = shipped('radio-protection');
    expect(await service.apply(tx, [windowStep(rule, MIN, { inferenceLoad: 0.95, prbDlPct: 50, thpDlMbps: 200 }, {})])).toEqual([]);
    expect(await service.apply(tx, [windowStep(rule, 2 * MIN, { inferenceLoad: 0.95, prbDlPct: 50, thpDlMbps: 190 }, { thpDlMbps: 200 })])).toEqual([]);
    expect([store.locks, store.instances.size]).toEqual([0, 0]);
    const applied = await service.apply(tx, [windowStep(rule, 3 * MIN, { inferenceLoad: 0.95, prbDlPct: 50, thpDlMbps: 120 }, { thpDlMbps: 190 })]);
    expect(applied).toEqual([{ labels: instanceLabels(rule, cell), transition: 'firing' }]);
  });

  it('keeps idle evidence of a rule that compares with the previous observation (dropPct), remembering the value, when the evidence does not bring it', async () => {
    const store = new Recorded();
    const rule = shipped('radio-protection');
    await store.service().apply(tx, [windowStep(rule, MIN, { inferenceLoad: 0.95, prbDlPct: 50, thpDlMbps: 200 })]);
    expect([...store.instances.values()].map((i) => [i.state.phase, i.state.previous])).toEqual([['inactive', { inferenceLoad: 0.95, prbDlPct: 50, thpDlMbps: 200 }]]);
    expect(store.events).toEqual([]);
  });

  it('fires the shipped RadioProtection rule on a throughput drop while inference load is high, announcing and notifying it', async () => {
    const store = new Recorded();
    const service = store.service();
    const rule = shipped('radio-protection');
    await service.apply(tx, [windowStep(rule, MIN, { inferenceLoad: 0.95, prbDlPct: 50, thpDlMbps: 200 })]);
    const applied = await service.apply(tx, [windowStep(rule, 2 * MIN, { inferenceLoad: 0.95, prbDlPct: 50, thpDlMbps: 120 })]);
    const fp = fingerprint(instanceLabels(rule, cell));
    expect(applied).toEqual([{ labels: instanceLabels(rule, cell), transition: 'firing' }]);
    expect(store.events).toHaveLength(1);
    expect(store.events[0]).toMatchObject({ topic: 'airan.alerts.v1', key: fp, value: { status: 'firing', labels: { alertname: 'RadioProtection', severity: 'critical' } } });
    expect(store.notified.map((n) => n.event.status)).toEqual(['firing']);
    expect(store.changes.map((c) => [c.status, c.evaluatedAt])).toEqual([['firing', 2 * MIN]]);
  });

  it('skips older evidence and a repeated sample: nothing saved, announced or notified', async () => {
    const store = new Recorded();
    const service = store.service();
    const rule = parseRule({ id: 'gpu-hot', alertname: 'GpuHot', kind: 'sample', source: 'gpu', all: [{ metric: 'tempC', op: '>', threshold: 85, recoveryThreshold: 80 }] });
    if (!rule.ok) throw new Error('rule');
    const gpu = { ...cell, node: 'n1', gpu: 'GPU-0' };
    const sample = (at: number, tempC: number): AlertStep => ({ rule: rule.rule, target: gpu, at, value: tempC, evaluate: (s) => evaluateSample(rule.rule, s, { tempC }, at) });
    await service.apply(tx, [sample(0, 90), sample(10_000, 70)]);
    const settled = [...store.instances.values()];
    await service.apply(tx, [sample(0, 90), sample(5_000, 95)]);
    expect(store.statuses()).toEqual(['firing', 'resolved']);
    expect([...store.instances.values()]).toEqual(settled);
    expect(store.notified.map((n) => n.event.status)).toEqual(['firing', 'resolved']);
  });

  it('ends in the same state however the evidence was batched: idle evidence after a skipped late sample leaves a resolved alert as it was', async () => {
    const rule = parseRule({ id: 'gpu-hot', alertname: 'GpuHot', kind: 'sample', source: 'gpu', all: [{ metric: 'tempC', op: '>', threshold: 85, recoveryThreshold: 80 }] });
    if (!rule.ok) throw new Error('rule');
    const gpu = { ...cell, node: 'n1', gpu: 'GPU-0' };
    const sample = (at: number, tempC: number): AlertStep => ({ rule: rule.rule, target: gpu, at, value: tempC, evaluate: (s) => evaluateSample(rule.rule, s, { tempC }, at) });
    const run = async (batches: AlertStep[][]) => {
      const store = new Recorded();
      const service = store.service();
      for (const batch of batches) await service.apply(tx, batch);
      return { instances: [...store.instances.values()], statuses: store.statuses() };
    };
    // Fired at 0, resolved at 10 s; then a late 95 °C at 5 s (skipped) and a cool 70 °C at 15 s, together or apart.
    const together = await run([[sample(0, 90), sample(10_000, 70)], [sample(5_000, 95), sample(15_000, 70)]]);
    const apart = await run([[sample(0, 90), sample(10_000, 70)], [sample(5_000, 95)], [sample(15_000, 70)]]);
    expect(together).toEqual(apart);
    expect(together.statuses).toEqual(['firing', 'resolved']);
  });
});
