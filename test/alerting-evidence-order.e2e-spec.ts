import { Partitioners, type Producer } from 'kafkajs';
import { testKafka } from './support/test-kafka';
import { CELL_LOAD_SCHEMA, type CellLoadWindow, type CellSample, type GpuSample, TELEMETRY_SCHEMA, type TelemetryReport, stableEventId, topicNames } from '@airan/contracts';
import { fingerprint } from '@airan/rule-engine';
import { AlertingRun, type AlertingState, lifecycleViolations } from './support/alerting-run';
import { createPrng } from '@airan/demo-fleet';
import { type Isolation, isolate } from './support/stack';

/**
 * Alert state must not depend on duplicates or on the order evidence arrives in. Two alerting
 * processes, each in its own isolation, get the same evidence straight on their topics: `once` gets
 * every cell-load event once; `twice` gets every event again, as blocks re-sent after newer windows of
 * the same cells, shuffled (what load's at-least-once outbox relay does after a crash), and a shuffled
 * copy of everything at the end. Alert history, instances, `airan.alerts.v1` and webhook bodies must be
 * identical. Both also get late samples, window revisions and exact re-sends of raw reports, whose
 * outcome is checked alert by alert: no firing alert goes back to pending, no receiver hears a firing twice.
 */
describe('alerting: evidence applied once, forward in event time', () => {
  // Event time runs an hour behind the wall clock, on whole minutes: window k of a cell ends at at(k).
  const T0 = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000;
  const at = (k: number) => T0 + (k + 1) * 60_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  const SEED = 20_261_204;
  const random = createPrng(SEED);

  const RULES = [
    { id: 'load-high', alertname: 'LoadHigh', kind: 'window', all: [{ metric: 'inferenceLoad', op: '>', threshold: 0.9, recoveryThreshold: 0.8 }], flap: { windowMs: 600_000, maxTransitions: 4 } },
    { id: 'prb-saturated', alertname: 'PrbSaturated', kind: 'window', all: [{ metric: 'prbDlPct', op: '>', threshold: 90, recoveryThreshold: 80 }], forMs: 120_000 },
    { id: 'latency-high', alertname: 'LatencyHigh', kind: 'sample', source: 'cell', all: [{ metric: 'latencyP95Ms', op: '>', threshold: 250, recoveryThreshold: 200 }], forMs: 30_000 },
    { id: 'gpu-hot', alertname: 'GpuHot', kind: 'sample', source: 'gpu', all: [{ metric: 'tempC', op: '>', threshold: 85, recoveryThreshold: 80 }] },
    { id: 'thp-drop', alertname: 'ThroughputDrop', kind: 'window', all: [{ metric: 'thpDlMbps', op: 'dropPct', threshold: 30 }] },
  ].map((r) => ({ ...r, severity: 'warning', groupBy: ['alertname', 'site'], annotations: { summary: '{{ $labels.alertname }} at {{ $value }}' } }));

  const window = (cell: string, k: number, revision: number, values: Partial<CellLoadWindow>): CellLoadWindow => ({
    schema: CELL_LOAD_SCHEMA, id: stableEventId('order-window', cell, k, revision), operatorId: 'kt', siteId: `site-${cell}`, cellId: cell, pilotId: null,
    windowStart: iso(T0 + k * 60_000), windowEnd: iso(at(k)), revision, sampleCount: 4, coverage: 1, aiGpuMs: null, capacityGpuMs: 15_000, radioGpuMs: null,
    inferenceLoad: 0.5, radioLoad: null, headroom: null, requests: 100, tokens: 1000, tokensPerSec: 1000 / 60, latencyP95Ms: 80,
    prbDlPct: 40, prbUlPct: 10, thpDlMbps: 200, thpUlMbps: 30, rrcConnectedUes: 50, sourceTraceIds: [stableEventId('order-trace', cell, k, revision).replace(/-/g, '')], ...values,
  });

  /**
   * Cells whose load flaps (firing and resolving every few windows, until flap damping holds them) and
   * whose PRB use saturates for longer than the `for` period now and then, with revisions: a window is
   * revised once its cell's next one or two windows were sent, as late samples make load do.
   */
  function flappingCells(): CellLoadWindow[] {
    const out: CellLoadWindow[] = [];
    for (let c = 0; c < 4; c++) {
      const cell = `flap-${c}`;
      const pendingRevisions: Array<{ due: number; window: CellLoadWindow }> = [];
      for (let k = 0; k < 24; k++) {
        const load = () => (random() < 0.5 ? 0.95 + random() * 0.1 : 0.5 + random() * 0.2);
        const prb = () => (random() < 0.7 ? 92 + random() * 5 : 50);
        out.push(window(cell, k, 0, { inferenceLoad: load(), prbDlPct: prb() }));
        if (random() < 0.3) pendingRevisions.push({ due: k + 1 + Math.floor(random() * 2), window: window(cell, k, 1, { inferenceLoad: load(), prbDlPct: prb() }) });
        for (const r of pendingRevisions.filter((p) => p.due === k)) out.push(r.window);
      }
    }
    return out;
  }

  /** A cell saturated for 2 minutes fires; a revision of an earlier window still holds, after which the old code restarted `for`. */
  const REVISED = 'revised-0';
  function revisedCell(): CellLoadWindow[] {
    const w = (k: number, revision: number, prbDlPct: number) => window(REVISED, k, revision, { prbDlPct });
    return [
      w(0, 0, 95), w(1, 0, 95), w(2, 0, 95), w(3, 0, 95), w(4, 0, 95),
      w(1, 1, 96), // late samples revise window 1: evidence older than the alert has seen
      w(5, 0, 50), // resolves
      w(6, 0, 50), w(6, 1, 95), // a revision of the newest window re-judges that instant: pending
      w(7, 0, 50), // resolves the pending episode
    ];
  }

  /** Throughput drops by 30 % or more from the cell's preceding window twice, with a revision of an earlier window and one of the newest between. */
  const DROPPING = 'drop-0';
  function droppingCell(): CellLoadWindow[] {
    const w = (k: number, revision: number, thpDlMbps: number) => window(DROPPING, k, revision, { thpDlMbps });
    return [
      w(0, 0, 200),
      w(1, 0, 120), // 40 % below window 0: fires
      w(2, 0, 110), // 8 % below window 1: resolves
      w(1, 1, 80), // a revision of an earlier window: older evidence, applied to nothing
      w(3, 0, 70), // 36 % below window 2 (12.5 % below the revised window 1): fires
      w(3, 1, 150), // the newest window revised, re-judged against window 2: no drop, and a revision ends no episode
      w(4, 0, 100), // 33 % below window 3's newest revision (above its first): still firing
      w(5, 0, 95), // 5 % below window 4: resolves
    ];
  }

  let reports = 0;
  const report = (records: { cells?: CellSample[]; gpus?: GpuSample[] }): TelemetryReport => ({
    schema: TELEMETRY_SCHEMA, id: stableEventId('order-report', reports++), operatorId: 'kt', siteId: 'site-samples', keyId: '0123456789ab',
    receivedAt: T0, cells: records.cells ?? [], gpus: records.gpus ?? [], heartbeats: [],
  });
  const LATE_CELL = 'latency-0';
  const latency = (seconds: number, latencyP95Ms: number): CellSample => ({ cellId: LATE_CELL, ts: T0 + seconds * 1000, intervalMs: 1000, latencyP95Ms });
  const gpu = (seconds: number, tempC: number): GpuSample => ({ node: 'gpu-node-0', device: 'GPU-0', ts: T0 + seconds * 1000, tempC });
  /** Raw reports: latency high for 40 s (pending, then firing after 30 s), re-sent and late samples, then a clear; a GPU that overheats once. */
  function sampleReports(): TelemetryReport[] {
    const first = report({ cells: [latency(0, 300)], gpus: [gpu(0, 90)] });
    return [
      first,
      report({ cells: [latency(10, 300)], gpus: [gpu(10, 70)] }),
      report({ cells: [latency(20, 300)] }),
      report({ cells: [latency(30, 300)] }),
      report({ cells: [latency(40, 300)] }),
      { ...first, id: stableEventId('order-report', 'resent') }, // an exact re-send of the first request
      report({ cells: [latency(5, 300)], gpus: [gpu(5, 95)] }), // late samples
      // Newer evidence: had the re-send or the late samples moved the alerts back, these would fire or resolve them a second time.
      report({ cells: [latency(45, 300)], gpus: [gpu(15, 70)] }),
      report({ cells: [latency(50, 100)] }),
    ];
  }

  const windows = [...flappingCells(), ...revisedCell(), ...droppingCell()];
  const samples = sampleReports();

  /** Every window again: after each chunk, that chunk and the one before it re-sent, shuffled; at the end, all of it, shuffled. */
  function withDuplicates(items: readonly CellLoadWindow[]): CellLoadWindow[][] {
    const shuffled = <T>(xs: readonly T[]): T[] => {
      const out = [...xs];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out;
    };
    const chunks: CellLoadWindow[][] = [];
    for (let i = 0; i < items.length; i += 10) chunks.push(items.slice(i, i + 10));
    return [...chunks.flatMap((chunk, i) => [chunk, shuffled([...(chunks[i - 1] ?? []), ...chunk])]), shuffled(items)];
  }

  const once = isolate();
  const twice = isolate();
  let producer: Producer;
  const runs: AlertingRun[] = [];
  let a: AlertingState;
  let b: AlertingState;
  let sentTwice = 0;

  async function feed(isolation: Isolation, windowSends: readonly CellLoadWindow[][]): Promise<AlertingState> {
    const run = await AlertingRun.start(isolation);
    runs.push(run);
    await run.replaceRules(RULES);
    const topics = topicNames(isolation.topicPrefix);
    for (const sends of windowSends) {
      await producer.send({ topic: topics.cellLoad, acks: -1, messages: sends.map((w) => ({ key: w.cellId, value: JSON.stringify(w) })) });
    }
    for (const r of samples) {
      // The request's trace, as ingest passes it on: the same in both runs, so sample alerts name the same source traces.
      const traceparent = `00-${r.id.replace(/-/g, '')}-${r.id.replace(/-/g, '').slice(0, 16)}-01`;
      await producer.send({ topic: topics.telemetry, acks: -1, messages: [{ key: r.siteId, value: JSON.stringify(r), headers: { traceparent } }] });
    }
    await run.waitSettled();
    return run.state();
  }

  beforeAll(async () => {
    const kafka = testKafka('alerting-order-test', once.env.KAFKA_BROKERS.split(','));
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const duplicated = withDuplicates(windows);
    sentTwice = duplicated.flat().length;
    [a, b] = await Promise.all([feed(once, [windows]), feed(twice, duplicated)]);
  }, 240_000);

  afterAll(async () => {
    await producer?.disconnect();
    await Promise.all(runs.map((r) => r.close()));
  });

  it('fed many transitions, and the duplicated run got every event at least twice', () => {
    expect(a.history.length).toBeGreaterThan(40);
    expect(sentTwice).toBeGreaterThanOrEqual(3 * windows.length);
  });

  it('ends with the alert history of the once-only run, row for row', () => {
    expect(b.history).toEqual(a.history);
  });

  it('ends with the same alert instances, every column but wall-clock times', () => {
    expect(b.instances).toEqual(a.instances);
  });

  it('announces exactly the same events on airan.alerts.v1', () => {
    expect(b.events).toEqual(a.events);
  });

  it('tells receivers exactly the same, body for body', () => {
    expect(b.webhooks).toEqual(a.webhooks);
  });

  it('never moves a firing alert back, fires an episode twice, or ends a resolve before its start', () => {
    expect(lifecycleViolations(a)).toEqual([]);
    expect(lifecycleViolations(b)).toEqual([]);
  });

  const changesOf = (state: AlertingState, labels: Record<string, string>) =>
    (state.events[fingerprint({ ...labels, severity: 'warning' })] ?? []).map((e) => `${e.status}@${(Date.parse(e.evaluatedAt) - T0) / 1000}`);

  it('a revision of an earlier window does not restart `for`; a revision of the newest window re-judges that instant', () => {
    expect(changesOf(a, { alertname: 'PrbSaturated', operator: 'kt', site: `site-${REVISED}`, cell: REVISED })).toEqual([
      `pending@${(at(0) - T0) / 1000}`,
      `firing@${(at(2) - T0) / 1000}`,
      `resolved@${(at(5) - T0) / 1000}`,
      `pending@${(at(6) - T0) / 1000}`,
      `resolved@${(at(7) - T0) / 1000}`,
    ]);
  });

  it("a drop is measured from the cell's preceding window, its newest revision, whatever was re-sent", () => {
    const labels = { alertname: 'ThroughputDrop', operator: 'kt', site: `site-${DROPPING}`, cell: DROPPING };
    expect(changesOf(a, labels)).toEqual([1, 2, 3, 5].map((k, i) => `${i % 2 === 0 ? 'firing' : 'resolved'}@${(at(k) - T0) / 1000}`));
  });

  it('an exact re-send and a late raw sample do not move a firing sample alert back to pending', () => {
    const labels = { alertname: 'LatencyHigh', operator: 'kt', site: 'site-samples', cell: LATE_CELL };
    expect(changesOf(a, labels)).toEqual(['pending@0', 'firing@30', 'resolved@50']);
    expect(a.webhooks[fingerprint({ ...labels, severity: 'warning' })].map((w) => w.status)).toEqual(['firing', 'resolved']);
  });

  it('a re-sent or late sample does not start a new episode of a resolved alert', () => {
    const fp = fingerprint({ alertname: 'GpuHot', severity: 'warning', operator: 'kt', site: 'site-samples', node: 'gpu-node-0', gpu: 'GPU-0' });
    expect(changesOf(a, { alertname: 'GpuHot', operator: 'kt', site: 'site-samples', node: 'gpu-node-0', gpu: 'GPU-0' })).toEqual(['firing@0', 'resolved@10']);
    expect(a.webhooks[fp].map((w) => w.status)).toEqual(['firing', 'resolved']);
    expect(a.instances.find((i) => i.fingerprint === fp)).toMatchObject({ phase: 'inactive' });
  });
});
