/**
 * The whole pipeline under a steady load: ingest, load, alerting and api on an isolated database and
 * topic prefix, driven over HTTP with the site simulator's own sample generator
 * (apps/simulator/src/simulator.samples.ts) at a configurable scale, with event time advancing with
 * wall time so that windows close continuously. See docs/performance.md "Pipeline".
 *
 * - The fleet: `operators` × `sitesPerOperator` × `cellsPerSite`. The first three operators are the
 *   demo operators (skt, kt, lguplus) and their first sites the demo sites the api seeds; every other
 *   operator, pilot, site, GPU node and cell is created through the api's registry
 *   (`PUT /v1/registry/<type>/<id>`, as an admin would), modelled on a demo site of the same operator
 *   (GPU model and device count, radio figures). Cells are registered with the demo allocation
 *   (0.25 GPU on the site's GPU node) unless `registerCells` is off, in which case load gives the
 *   unregistered cells its default allocation (LOAD_DEFAULT_CELL_GPUS, also 0.25).
 * - The generator: every `intervalMs`, on wall-clock ticks aligned to the interval, each operator's
 *   batch is built with `buildOperatorBatch` (one cell record per cell, one GPU record per device and
 *   one heartbeat per site, all stamped with the tick), cut into requests of `recordsPerRequest`
 *   records and queued; `concurrency` workers post the queue in order. A tick that finds more than
 *   five ticks' worth of requests still queued is skipped (and counted), as the simulator skips busy
 *   ticks: the generator is open loop, never slower than the clock unless ingest is.
 * - The measured interval starts at the first tick after `warmupSeconds` and ends when, after the
 *   last tick, load and alerting have applied everything (stored offsets = topic end offsets on both
 *   consumed topics, load's outbox relayed).
 */
import { join } from 'node:path';
import { type Admin } from 'kafkajs';
import { testKafka } from '../support/test-kafka';
import { Client } from 'pg';
import { topicNames } from '@airan/contracts';
import { deleteTopics } from '../support/kafka-test-tools';
import { metricByLabel, metricTotal } from '../support/metrics';
import { ServiceProcess } from '../support/service-process';
import { dropDatabase, isolate } from '../support/stack';
import { figures, sleep } from './alert-common';
import { wallNow } from './alert-receiver';
import { registerFleet, sitePartitions } from './pipeline-fleet';
import { generateLoad } from './pipeline-generator';
import { cpuProbe, lagProbe, startLagSampler, statementProbe } from './pipeline-probes';
import { lagTrends, usageOver, windowLatencies } from './pipeline-report';
import type { PipelineBenchOptions, PipelineProgress, PipelineResult, ProfiledApp } from './pipeline-types';
import { loadAverage } from './proc-usage';

/** The costliest statements the report lists, when pg_stat_statements is loaded. */
const STATEMENTS_SHOWN = 15;

// The set-up (fleet, registry), the generator, what is read while it runs and the results are in the
// pipeline-*.ts modules beside this one; this runs them in order.
export { benchFleet } from './pipeline-fleet';
export { PROFILED_APPS } from './pipeline-types';
export type { ConsumerLag, PipelineBenchOptions, PipelineProgress, PipelineResult, ProfiledApp, ServiceUsage } from './pipeline-types';

export async function benchPipeline(options: PipelineBenchOptions, progress: PipelineProgress): Promise<PipelineResult> {
  const o = options;
  const label = 'pipeline';
  const notes: string[] = [];
  const loadAvgStart = loadAverage();
  const isolation = isolate();
  const topics = topicNames(isolation.topicPrefix);
  // The fleet's registry set-up alone is thousands of admin requests a minute: the rate limit is not what is measured.
  const env = { ...isolation.env, LOG_LEVEL: 'error', RATE_LIMIT_MAX: '100000000' };
  const services: ServiceProcess[] = [];
  const kafka = testKafka('airan-bench-pipeline', env.KAFKA_BROKERS.split(','));
  let admin: Admin | undefined;
  const db = new Client({ connectionString: isolation.databaseUrl });
  let dbOpen = false;
  try {
    progress(`${label}: starting`, 0, `ingest, ${o.loadInstances} × load, ${o.alertingInstances} × alerting, api`);
    // The first process of the profiled app starts the profiler through the preload (Node 20 refuses --cpu-prof in NODE_OPTIONS).
    const profiled = (app: ProfiledApp, first: boolean): Record<string, string> =>
      o.cpuProfile?.app === app && first ? { NODE_OPTIONS: `--require ${join(__dirname, 'profile-preload.js')}`, BENCH_CPU_PROFILE: o.cpuProfile.file } : {};
    const alertings = await times(o.alertingInstances, (i) => ServiceProcess.start('alerting', { ...env, ...profiled('alerting', i === 0) }));
    services.push(...alertings);
    const api = await ServiceProcess.start('api', { ...env, API_ALERTING_URL: alertings[0].url, ...profiled('api', true) });
    services.push(api);
    const loadEnv = { ...env, LOAD_WINDOW_MS: String(o.windowMs), LOAD_OUT_OF_ORDER_MS: String(o.outOfOrderMs), LOAD_ALLOWED_LATENESS_MS: String(10 * o.windowMs) };
    const [ingest, loads] = await Promise.all([
      ServiceProcess.start('ingest', { ...env, INGEST_MAX_RECORDS: String(Math.max(5000, o.recordsPerRequest)), ...profiled('ingest', true) }),
      times(o.loadInstances, (i) => ServiceProcess.start('load', { ...loadEnv, ...profiled('load', i === 0) })),
    ]);
    services.push(ingest, ...loads);
    await db.connect();
    dbOpen = true;
    admin = kafka.admin();
    await admin.connect();

    const { operators, keys, puts, registrySeconds } = await registerFleet(o, isolation, { api, ingest }, progress, label);
    const partitionOf = await sitePartitions(admin, topics.telemetry, operators);

    const { endOf, readLag } = lagProbe(admin, db, topics);
    const { named, postgres, trackPostgres, snapshot } = await cpuProbe(services, db);
    const statementCosts = await statementProbe(db);
    const measuring = async (starting: boolean) => {
      if (starting) await statementCosts.start();
      return snapshot(starting);
    };

    // The generator, with the lag read every second meanwhile.
    const I = o.intervalMs;
    const sampler = startLagSampler(readLag, trackPostgres);
    const run = await generateLoad({ o, operators, partitionOf, keys, ingestUrl: ingest.url, snapshot: measuring, lastLag: sampler.last, progress, label });
    const { sent, dispatchDelays, measureTick, endTick, measuredTicks, skippedTicks, requestsPerTick, recordsPerTick, startSnapshot, sendEnd } = run;

    // Drain: load and alerting apply what is left; the outbox is relayed; alerting reads the windows.
    const drainDeadline = wallNow() + o.drainTimeoutSeconds * 1000;
    let loadCaughtUpAt: number | undefined;
    let drainedAt: number | undefined;
    for (;;) {
      const lag = await readLag();
      const consumed = lag.load === 0 && lag.alertingSamples === 0 && lag.alertingWindows === 0;
      // Counting the outbox walks its index of unpublished rows, dead entries and all (tens of ms on the run's
      // CPU, every 200 ms): only once the consumers have caught up.
      const pending = consumed ? Number((await db.query('SELECT count(*)::int AS n FROM load.outbox WHERE published_at IS NULL')).rows[0].n) : undefined;
      if (lag.load === 0 && loadCaughtUpAt === undefined) loadCaughtUpAt = lag.at;
      if (consumed && pending === 0) {
        drainedAt = lag.at;
        break;
      }
      if (wallNow() > drainDeadline) break;
      progress(`${label}: draining`, 1, `lag load ${lag.load}, alerting ${lag.alertingSamples}/${lag.alertingWindows}, outbox ${pending ?? 'not counted yet'}`.padEnd(40));
      await sleep(200);
    }
    await sampler.stop();
    const end = await snapshot();
    const start = (await startSnapshot) ?? end;
    const loadAvgEnd = loadAverage();
    if (drainedAt === undefined) notes.push(`not drained within ${o.drainTimeoutSeconds} s after the last tick`);
    // A service that died during the run explains a drain that never ends: say so, with its last words.
    for (const s of services.filter((x) => !x.running)) notes.push(`${s.app} (pid ${s.pid}) exited during the run; its last output:\n${s.logs.slice(-3000)}`);
    const measureEnd = drainedAt ?? end.at;
    progress(`${label}: reading results`, 1, 'Postgres, airan.cell-load.v1');

    // ---------------------------------------------------------------------------------------
    // Throughput.
    const measured = sent.filter((s) => s.measured);
    const acceptedRecords = measured.reduce((n, s) => n + s.accepted, 0);
    const failures = measured.filter((s) => !s.ok).length;
    const rejectedRecords = measured.reduce((n, s) => n + s.rejected, 0);
    // The measured ticks stand for (endTick − measureTick) of event and wall time; longer if ingest answered later than that.
    const sendSeconds = (Math.max(endTick, sendEnd) - measureTick) / 1000;
    const loadCaughtUpSeconds = (Math.max(endTick, loadCaughtUpAt ?? measureEnd) - measureTick) / 1000;

    // Lag through the measured sending.
    const cells = operators.reduce((n, op) => n + op.sites.reduce((m, s) => m + s.cells.length, 0), 0);
    const lag = lagTrends(sampler.readings, run, I, cells, isolation.topicPrefix);

    // No loss: the samples tables against what ingest accepted (warm-up included; the probe heartbeats are not samples).
    const count = async (table: string) => Number((await db.query(`SELECT count(*)::bigint AS n FROM ${table}`)).rows[0].n);
    const [storedCellSamples, storedGpuSamples] = [await count('load.cell_samples'), await count('load.gpu_samples')];
    const okSent = sent.filter((s) => s.ok && s.rejected === 0);
    const acceptedCellSamples = okSent.reduce((n, s) => n + s.cells, 0);
    const acceptedGpuSamples = okSent.reduce((n, s) => n + s.gpus, 0);
    const recordsInFailedRequests = sent.filter((s) => !s.ok).reduce((n, s) => n + s.records, 0);
    if (sent.some((s) => s.ok && s.rejected > 0)) notes.push(`${sent.filter((s) => s.rejected > 0).length} requests had rejected records: their samples are left out of the loss check`);

    const windows = await windowLatencies(db, kafka, topics.cellLoad, o, partitionOf, run);
    const stillOpen = Number((await db.query('SELECT count(*)::int AS n FROM load.open_windows')).rows[0].n);
    const tooLateSamples = sum(await Promise.all(loads.map((l) => metricTotal(l.url, 'airan_load_too_late_samples_total'))));
    const alertEvents = await endOf(topics.alerts);
    const statements = await statementCosts.top(STATEMENTS_SHOWN);
    const loadSteps = sumByLabel(await Promise.all(loads.map((l) => metricByLabel(l.url, 'airan_load_step_seconds_total'))));

    const { services: servicesUsage, machine } = usageOver({ named, postgres }, start, end, acceptedRecords);

    const sites = operators.reduce((n, op) => n + op.sites.length, 0);
    const gpus = operators.reduce((n, op) => n + op.sites.reduce((m, s) => m + s.gpuNode.devices.length, 0), 0);
    return {
      phase: `pipeline: ${o.operators} operators × ${o.sitesPerOperator} sites × ${o.cellsPerSite} cells, ${o.loadInstances} load and ${o.alertingInstances} alerting instances`,
      options: o,
      fleet: { operators: operators.length, sites, cells, gpus, recordsPerTick, requestsPerTick, registryPuts: puts, registrySeconds },
      loadAverage: { start: loadAvgStart, end: loadAvgEnd },
      offeredRecordsPerSec: (recordsPerTick * 1000) / I,
      ticks: measuredTicks,
      skippedTicks,
      requests: measured.length,
      failures,
      rejectedRecords,
      acceptedRecords,
      sendSeconds,
      ingestRecordsPerSec: acceptedRecords / sendSeconds,
      loadCaughtUpSeconds,
      loadRecordsPerSec: acceptedRecords / loadCaughtUpSeconds,
      loadCaughtUpAfterLastAnswerSeconds: ((loadCaughtUpAt ?? measureEnd) - sendEnd) / 1000,
      drainedSeconds: (measureEnd - measureTick) / 1000,
      drained: drainedAt !== undefined,
      requestLatency: figures('POST sent → 202 answered', measured.filter((s) => s.ok).map((s) => s.answeredAt - s.sentAt)),
      dispatchDelay: figures('tick (event time) → POST sent', dispatchDelays),
      lag,
      loss: {
        acceptedCellSamples, storedCellSamples, acceptedGpuSamples, storedGpuSamples,
        difference: storedCellSamples + storedGpuSamples - acceptedCellSamples - acceptedGpuSamples,
        recordsInFailedRequests,
      },
      windows: {
        measured: windows.measured,
        closed: windows.closed,
        revised: windows.revised,
        stillOpen,
        tooLateSamples,
        toPostgres: windows.toPostgres,
        toKafka: windows.toKafka,
        also: windows.also,
      },
      alertEvents,
      loadSteps,
      statements,
      services: servicesUsage,
      machine,
      notes,
    };
  } finally {
    await Promise.all(services.map((s) => s.stop()));
    if (admin) await admin.disconnect().catch(() => undefined);
    if (dbOpen) await db.end().catch(() => undefined);
    await dropDatabase(isolation);
    await deleteTopics(isolation).catch(() => undefined);
  }
}

/** `n` processes started together, each told its index (one consumer group when they are the same app). */
const times = <T>(n: number, start: (index: number) => Promise<T>): Promise<T[]> => Promise.all(Array.from({ length: n }, (_, i) => start(i)));

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** Labelled counters of several instances, added label by label. */
function sumByLabel(perInstance: ReadonlyArray<Record<string, number>>): Record<string, number> {
  const total: Record<string, number> = {};
  for (const counters of perInstance) for (const [label, value] of Object.entries(counters)) total[label] = (total[label] ?? 0) + value;
  return total;
}
