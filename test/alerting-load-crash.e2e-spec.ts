import { type CellLoadWindow, topicNames } from '@airan/contracts';
import { AlertingRun, type AlertingState, lifecycleViolations, withoutRedeliveries } from './support/alerting-run';
import { StreamProducer, evictGroupMembers, readTopicToEnd } from './support/kafka-test-tools';
import { LoadDatabase } from './support/load-state';
import { prepareRun } from './support/registry-seed';
import { ServiceProcess } from './support/service-process';
import { demoSites, telemetryStream } from './support/telemetry-stream';
import { type Isolation, eventually, isolate } from './support/stack';

/**
 * load killed between Kafka's acknowledgement of a block of cell-load events and the outbox commit
 * that marks them published, at a fault point rather than by chance: its restarted relay publishes the
 * block again, after windows newer than those it holds (at least once, as designed). Alerting must
 * apply every window revision once. The same deterministic telemetry stream (late samples that revise
 * windows, too-late ones, exact re-sends) feeds load and alerting twice: run A undisturbed, run B with
 * load killed at the fault point twice, and alerting as two instances in its consumer groups, one of
 * them killed (kill -9) after load's first death and started again. Alert history, instances,
 * `airan.alerts.v1` and webhook bodies must be identical.
 */
const WINDOW_MS = 10_000;
const OUT_OF_ORDER_MS = 4_000;
const ALLOWED_LATENESS_MS = 30_000;
const SEED = 20_261_205;
/** load's outbox relay is killed on these passes through `outbox.published` of successive processes (then runs undisturbed). */
const KILLS_AT_PASS = [2, 3];

/** Rules that the stream's figures cross often: PRB use averaged over a window, and raw latency and GPU samples. */
const RULES = [
  {
    id: 'prb-busy', alertname: 'PrbBusy', kind: 'window', all: [{ metric: 'prbDlPct', op: '>', threshold: 58, recoveryThreshold: 54 }], forMs: 20_000,
    flap: { windowMs: 60_000, maxTransitions: 4 }, groupBy: ['alertname', 'cell'],
  },
  { id: 'latency-spike', alertname: 'LatencySpike', kind: 'sample', source: 'cell', all: [{ metric: 'latencyP95Ms', op: '>', threshold: 195, recoveryThreshold: 100 }], groupBy: ['alertname', 'cell'] },
  { id: 'gpu-busy', alertname: 'GpuBusy', kind: 'sample', source: 'gpu', all: [{ metric: 'utilPct', op: '>', threshold: 93, recoveryThreshold: 50 }], groupBy: ['alertname', 'node', 'gpu'] },
].map((r) => ({ ...r, severity: 'warning', annotations: { summary: '{{ $labels.alertname }} at {{ $value }}' } }));

describe('alerting when load is killed between Kafka acknowledgement and outbox commit, and one of two alerting instances is killed', () => {
  const stream = telemetryStream({ seed: SEED, sites: demoSites(['skt-seoul-gangnam-01', 'skt-pangyo-01']), minSamples: 20_000, windowMs: WINDOW_MS, outOfOrderMs: OUT_OF_ORDER_MS, allowedLatenessMs: ALLOWED_LATENESS_MS });
  const runA = isolate();
  const runB = isolate();
  const loadEnv = (isolation: Isolation, faultPass?: number) => ({
    ...isolation.env,
    LOAD_WINDOW_MS: String(WINDOW_MS),
    LOAD_OUT_OF_ORDER_MS: String(OUT_OF_ORDER_MS),
    LOAD_ALLOWED_LATENESS_MS: String(ALLOWED_LATENESS_MS),
    ...(faultPass === undefined ? {} : { AIRAN_FAULT_POINT: `outbox.published@${faultPass}` }),
  });
  const processes: ServiceProcess[] = [];
  const alertingRuns: AlertingRun[] = [];
  const selfKills: Array<NodeJS.Signals | null> = [];
  /** Run B's second alerting instance: what it had applied when it was killed. */
  let killedAlertingApplied = 0;
  let a: AlertingState;
  let b: AlertingState;
  let cellLoadB: Array<{ partition: number; value: CellLoadWindow }> = [];

  /** Registry seeded, alerting started with the test's rules, then the stream on the telemetry topic. */
  async function prepare(isolation: Isolation): Promise<{ alerting: AlertingRun; ends: Map<number, bigint> }> {
    await prepareRun(isolation);
    const alerting = await AlertingRun.start(isolation);
    alertingRuns.push(alerting);
    await alerting.replaceRules(RULES);
    const producer = await StreamProducer.open(isolation);
    try {
      await producer.send(stream.messages);
      return { alerting, ends: await producer.endOffsets() };
    } finally {
      await producer.close();
    }
  }

  async function run(isolation: Isolation, killAtPasses: readonly number[]): Promise<AlertingState> {
    const { alerting, ends } = await prepare(isolation);
    const db = await LoadDatabase.open(isolation);
    try {
      let second = killAtPasses.length > 0 ? await alerting.addInstance() : undefined;
      for (const pass of killAtPasses) {
        const armed = await ServiceProcess.spawn('load', loadEnv(isolation, pass));
        processes.push(armed);
        selfKills.push((await armed.endsByItself()).signal);
        await evictGroupMembers(db.groupId);
        if (second) {
          // Once it has applied part of its share, with windows still to come: killed, then a new process in its place.
          const applying = second;
          await eventually(async () => {
            if ((killedAlertingApplied = await applying.metric('airan_consumer_applied_total')) === 0) throw new Error('the second alerting instance applied nothing yet');
          }, 60_000);
          await applying.kill();
          second = undefined;
          await alerting.addInstance();
        }
      }
      const load = await ServiceProcess.spawn('load', loadEnv(isolation));
      processes.push(load);
      await db.waitCaughtUp(ends, 150_000, [load.unexpectedExit()]);
      await alerting.waitSettled(150_000);
      return await alerting.state();
    } finally {
      await db.close();
    }
  }

  beforeAll(async () => {
    let disturbed: AlertingState;
    [a, disturbed] = await Promise.all([run(runA, []), run(runB, KILLS_AT_PASS)]);
    // The alerting instance killed in run B may have been sending an event or a notification: those go again.
    const received = withoutRedeliveries(disturbed);
    b = received.state;
    console.info(JSON.stringify({ redeliveredInRunB: received.redelivered }));
    cellLoadB = await readTopicToEnd<CellLoadWindow>(topicNames(runB.topicPrefix).cellLoad);
  }, 400_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill()));
    await Promise.all(alertingRuns.map((r) => r.close()));
  });

  it('killed load at the fault point each time, and its relay published blocks again after newer windows of their cells', () => {
    expect(selfKills).toEqual(KILLS_AT_PASS.map(() => 'SIGKILL'));
    const seen = new Set<string>();
    const newest = new Map<string, number>();
    let replayedAfterNewer = 0;
    for (const { value } of cellLoadB) {
      const start = Date.parse(value.windowStart);
      if (seen.has(value.id) && start < (newest.get(value.cellId) ?? -Infinity)) replayedAfterNewer++;
      seen.add(value.id);
      newest.set(value.cellId, Math.max(newest.get(value.cellId) ?? -Infinity, start));
    }
    expect(cellLoadB.length - seen.size).toBeGreaterThan(0);
    expect(replayedAfterNewer).toBeGreaterThan(0);
  });

  it('shared run B between two alerting instances and killed one after it had applied part of the evidence', () => {
    expect(killedAlertingApplied).toBeGreaterThan(0);
  });

  it('fed alerting many transitions from windows, revisions and raw samples', () => {
    expect(stream.lateSamples).toBeGreaterThan(10);
    const kinds = new Set(a.history.map((h) => h.status));
    expect([...kinds].sort()).toEqual(['firing', 'pending', 'resolved']);
    expect(a.history.length).toBeGreaterThan(100);
  });

  it('ends with the alert history and instances of the undisturbed run', () => {
    expect(b.history).toEqual(a.history);
    expect(b.instances).toEqual(a.instances);
  });

  it('announces the same events on airan.alerts.v1 and tells receivers the same', () => {
    expect(b.events).toEqual(a.events);
    expect(b.webhooks).toEqual(a.webhooks);
  });

  it('never moves a firing alert back, fires an episode twice, or ends a resolve before its start', () => {
    expect(withoutRedeliveries(a).redelivered).toEqual({ events: 0, webhooks: 0 }); // undisturbed: nothing is sent twice
    expect(lifecycleViolations(a)).toEqual([]);
    expect(lifecycleViolations(b)).toEqual([]);
  });
});
