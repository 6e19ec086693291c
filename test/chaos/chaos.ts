/**
 * `npm run chaos`: a Jepsen-style reliability campaign (docs/reliability.md). The whole stack (ingest,
 * load, alerting, api, share) on a Kafka broker and a Postgres cluster of the campaign's own, under
 * steady simulator traffic with alert rules firing and resolving into a real webhook receiver, while a
 * seeded schedule kills services with SIGKILL, restarts the broker and crashes Postgres. Afterwards the
 * exact accounting (chaos-accounting.ts) and a report in JSON and Markdown; the exit code is 1 when
 * anything was lost or doubled. test/chaos.e2e-spec.ts runs a short version in the suite.
 */
import { join } from 'node:path';
import { Client } from 'pg';
import type { SimOperator } from '@airan/demo-fleet';
import { testKafka } from '../support/test-kafka';
import { chaosSchedule } from '../support/chaos-schedule';
import { ROOT, eventually, isolate } from '../support/stack';
import { BenchHttpServer } from '../bench/alert-receiver';
import { registerFleet } from '../bench/pipeline-fleet';
import type { PipelineBenchOptions } from '../bench/pipeline-types';
import { account, failures } from './chaos-accounting';
import { injectFaults } from './chaos-faults';
import { type LagReading, readLag, settled } from './chaos-lag';
import { ChaosProgress } from './chaos-progress';
import { type ChaosReport, recoveryByKind, writeReport } from './chaos-report';
import { ChaosStack, WINDOW_MS } from './chaos-stack';
import { ChaosTraffic } from './chaos-traffic';
import { OwnKafka } from './own-kafka';
import { OwnPostgres } from './own-postgres';

export interface ChaosOptions {
  readonly seed: number;
  readonly durationS: number;
  readonly kills: number;
  readonly brokerRestarts: number;
  readonly postgresRestarts: number;
  /** Records per second offered (cells, GPU devices and heartbeats); sets the sample interval for the fleet. */
  readonly rate: number;
  /** The fleet: the three demo operators, each with this many sites of this many cells. */
  readonly sitesPerOperator: number;
  readonly cellsPerSite: number;
  /** No fault in the first and last this many seconds of traffic (warm-up, and a calm end to recover in). */
  readonly quietS: number;
  readonly drainTimeoutS: number;
  /** Where report.json, report.md and the services' logs go. */
  readonly outDir: string;
}

export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): ChaosOptions {
  const num = (name: string, fallback: number) => (env[name] === undefined || env[name] === '' ? fallback : Number(env[name]));
  return {
    seed: num('CHAOS_SEED', Date.now() % 1_000_000),
    durationS: num('CHAOS_DURATION_S', 600),
    kills: num('CHAOS_KILLS', 50),
    brokerRestarts: num('CHAOS_BROKER_RESTARTS', 5),
    postgresRestarts: num('CHAOS_PG_RESTARTS', 1),
    rate: num('CHAOS_RATE', 2000),
    sitesPerOperator: num('CHAOS_SITES', 10),
    cellsPerSite: num('CHAOS_CELLS', 20),
    quietS: num('CHAOS_QUIET_S', 30),
    drainTimeoutS: num('CHAOS_DRAIN_TIMEOUT_S', 300),
    outDir: env.CHAOS_OUT ?? join(ROOT, '.chaos'),
  };
}

/** Rules the simulator's figures cross often, scoped to one operator or site so that notifications stay countable. */
const RULES = [
  { id: 'chaos-prb-busy', alertname: 'PrbBusy', kind: 'window', all: [{ metric: 'prbDlPct', op: '>', threshold: 80, recoveryThreshold: 75 }], forMs: 10_000, groupBy: ['alertname', 'cell'], scope: ['operator="skt"'] },
  { id: 'chaos-latency', alertname: 'LatencySpike', kind: 'sample', source: 'cell', all: [{ metric: 'latencyP95Ms', op: '>', threshold: 240, recoveryThreshold: 150 }], groupBy: ['alertname', 'cell'], scope: ['operator="skt"'] },
  { id: 'chaos-gpu-busy', alertname: 'GpuBusy', kind: 'sample', source: 'gpu', all: [{ metric: 'utilPct', op: '>', threshold: 97, recoveryThreshold: 60 }], groupBy: ['alertname', 'node', 'gpu'], scope: ['operator="kt"'] },
  // Flap damping loosened (the default holds a flapping alert firing for ten quiet minutes): more resolves to account for.
].map((r) => ({ ...r, flap: { windowMs: 60_000, maxTransitions: 10 }, severity: 'warning', annotations: { summary: '{{ $labels.alertname }} at {{ $value }}' } }));

export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const startedAt = new Date().toISOString();
  const schedule = chaosSchedule({ seed: o.seed, durationMs: o.durationS * 1000, quietMs: o.quietS * 1000, kills: o.kills, brokerRestarts: o.brokerRestarts, postgresRestarts: o.postgresRestarts });
  let traffic: ChaosTraffic | undefined;
  let injected = 0;
  const progress = new ChaosProgress(() => ({ faults: injected, plannedFaults: schedule.length, records: traffic?.acceptedRecords ?? 0 }));
  const cleanUp: Array<() => Promise<unknown>> = [];
  // A run that failed keeps its broker's log segments: the topics as they were, to read with DumpLogSegments.
  let passed = false;
  try {
    progress.set('infrastructure');
    const [postgres, kafka] = await Promise.all([OwnPostgres.start(), OwnKafka.start()]);
    cleanUp.unshift(
      () => postgres.destroy(),
      async () => {
        const kept = await kafka.destroy(!passed);
        if (kept) process.stderr.write(`[chaos] broker data kept in ${kept}\n`);
      },
    );
    // Everything below (isolate(), the Kafka helpers, the services' environment) reads these.
    Object.assign(process.env, await kafka.credentials(), { KAFKA_BROKERS: kafka.brokers, TEST_POSTGRES_URL: postgres.url });
    const isolation = isolate();
    const receiver = await BenchHttpServer.start();
    cleanUp.unshift(() => receiver.close());

    progress.set('services');
    const stack = await ChaosStack.start(isolation, `${receiver.url}/hook`, join(o.outDir, 'logs'));
    cleanUp.unshift(() => stack.stop());
    progress.set('registry');
    // The pipeline bench's fleet and registry writes: they read only the fleet's shape and the two services' URLs.
    const fleetOptions = { operators: 3, sitesPerOperator: o.sitesPerOperator, cellsPerSite: o.cellsPerSite, registerCells: true } as PipelineBenchOptions;
    const services = { api: { url: stack.url('api') }, ingest: { url: stack.url('ingest') } } as Parameters<typeof registerFleet>[2];
    const registered = await registerFleet(fleetOptions, isolation, services, (_phase, done) => progress.set('registry', done), 'registry');
    const [operators, keys] = [atPeakNow(registered.operators), registered.keys];
    await replaceRules(stack.url('alerting'), isolation.env.ALERTING_OPS_TOKEN);

    const recordsPerTick = ChaosTraffic.recordsPerTick(operators);
    const intervalMs = Math.max(100, Math.round((recordsPerTick / o.rate) * 1000));
    progress.set('traffic + faults');
    const trafficStart = Date.now();
    traffic = new ChaosTraffic(operators, keys, () => stack.url('ingest'), intervalMs, o.seed);
    const running = traffic;
    const clock = setInterval(() => progress.set('traffic + faults', (Date.now() - trafficStart) / (o.durationS * 1000)), 1000);
    const faults = injectFaults(schedule, trafficStart, { stack, kafka, postgres, traffic }, (count) => (injected = count));
    await new Promise((resolve) => setTimeout(resolve, o.durationS * 1000));
    clearInterval(clock);
    // The traffic goes on until the last fault is over: recovery includes ingest answering 2xx again.
    progress.set('recovering');
    const injectedFaults = await faults;
    progress.set('last requests');
    await running.stop();
    const trafficSeconds = (Date.now() - trafficStart) / 1000;

    progress.set('draining');
    const drainStart = Date.now();
    const db = new Client({ connectionString: isolation.databaseUrl });
    await eventually(() => db.connect(), 60_000, 1000);
    cleanUp.unshift(() => db.end());
    const admin = testKafka('airan-chaos').admin();
    await admin.connect();
    cleanUp.unshift(() => admin.disconnect());
    let lag: LagReading = await readLag(admin, db, isolation.topicPrefix);
    let drainSeconds: number | null = null;
    while (Date.now() - drainStart < o.drainTimeoutS * 1000) {
      lag = await readLag(admin, db, isolation.topicPrefix).catch(() => lag);
      if (settled(lag)) {
        drainSeconds = (Date.now() - drainStart) / 1000;
        break;
      }
      progress.set('draining', (Date.now() - drainStart) / (o.drainTimeoutS * 1000));
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }

    progress.set('accounting');
    const accounting = await account({ db, topicPrefix: isolation.topicPrefix, operators, outcomes: running.outcomes, windowMs: WINDOW_MS, deliveries: receiver.deliveries });
    const report: ChaosReport = {
      options: { ...o, intervalMs, recordsPerTick },
      startedAt,
      trafficSeconds,
      records: {
        offeredPerSec: (recordsPerTick * 1000) / intervalMs,
        accepted: running.acceptedRecords,
        statuses: running.statuses,
        unexpectedAnswers: running.unexpectedAnswers,
        retries: running.retries,
        skippedTicks: running.skippedTicks,
      },
      faults: injectedFaults,
      recovery: recoveryByKind(injectedFaults),
      processes: stack.generations(),
      selfExits: stack.selfExits,
      drainSeconds,
      finalLag: lag,
      accounting,
      failures: [
        ...failures(accounting),
        ...(drainSeconds === null ? [`lag not back to zero within ${o.drainTimeoutS} s: ${JSON.stringify(lag)}`] : []),
      ],
    };
    writeReport(o.outDir, report);
    passed = report.failures.length === 0;
    return report;
  } finally {
    progress.stop();
    for (const step of cleanUp) await step().catch(() => undefined);
  }
}

/**
 * The fleet with every site at its daily peak now, whatever the hour: at the simulator's night level the
 * campaign's rules barely fire (10 firings and nothing else in a 10-minute run at 05:40 in Korea, against
 * some 230 transitions at 13:24), and the accounting of alert transitions would have little to check.
 */
function atPeakNow(operators: readonly SimOperator[]): SimOperator[] {
  const hourKst = (new Date().getUTCHours() + 9) % 24;
  return operators.map((operator) => ({ ...operator, sites: operator.sites.map((site) => ({ ...site, peakHourKst: hourKst })) }));
}

/** Deletes every rule (the shipped ones included) and puts the campaign's, through alerting's internal routes. */
async function replaceRules(alertingUrl: string, opsToken: string): Promise<void> {
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${alertingUrl}/internal/v1/rules${path}`, {
      method,
      headers: { authorization: `Bearer ${opsToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status >= 300) throw new Error(`${method} rules${path} answered ${response.status}: ${await response.text()}`);
    return response;
  };
  const { rules } = (await (await call('GET', '')).json()) as { rules: Array<{ id: string }> };
  for (const { id } of rules) await call('DELETE', `/${id}`);
  for (const rule of RULES) await call('PUT', `/${rule.id}`, rule);
}

if (require.main === module) {
  const options = optionsFromEnv();
  runChaos(options).then(
    (report) => {
      process.stderr.write(`[chaos] report: ${join(options.outDir, 'report.md')}\n`);
      for (const failure of report.failures) process.stderr.write(`[chaos] FAILED: ${failure}\n`);
      process.exit(report.failures.length === 0 ? 0 : 1);
    },
    (error: Error) => {
      process.stderr.write(`[chaos] campaign aborted: ${error.stack ?? error.message}\n`);
      process.exit(2);
    },
  );
}
