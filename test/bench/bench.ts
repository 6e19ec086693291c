/**
 * `npm run bench`: brings up ingest (with the api that owns the registry) on the local broker and
 * Postgres, drives it, and writes bench-results/bench-<time>.{json,md}. Not part of `npm test`:
 * speed is measured here, never asserted in tests.
 *
 *   BENCH_SECONDS      seconds per phase (default 20)
 *   BENCH_CONCURRENCY  requests in flight (default 8)
 *   BENCH_BATCH        records per native batch (default 500)
 *   BENCH_VES_BATCH    events per VES eventBatch (default 100)
 *   BENCH_CELLS        active cells in the load phase, all registered with a GPU node per 10 (default 100000)
 *   BENCH_PHASES       comma-separated phases to run, in this order: ingest, kafka, load, relay, pipeline, alerts, exports, share, console
 *                      (default all; e.g. BENCH_PHASES=alerts runs the alert-latency phase alone)
 *
 * Load service alone (load.bench.ts; docs/performance.md "Load service"): the rate it holds with lag not
 * growing, its memory and CPU per million samples with BENCH_CELLS active cells.
 *   BENCH_LOAD_MODE       search (default): steps up from BENCH_LOAD_RATE until lag grows; rate: one step
 *                         at BENCH_LOAD_RATE; drain: BENCH_ROUNDS windows produced at once, time to apply them
 *   BENCH_LOAD_RATE       offered cell samples/s (of the first step when searching; default 4000)
 *   BENCH_LOAD_SECONDS    seconds per step (default 60; longer where needed for every cell to report at least 4 times)
 *   BENCH_LOAD_FACTOR     rate step when searching (default 1.25)
 *   BENCH_LOAD_TOLERANCE  a step holds when lag and outbox grow by at most this share of the rate per second (default 0.03)
 *   BENCH_LOAD_MAX_STEPS  at most this many steps (default 12)
 *   BENCH_ROUNDS          windows per cell in drain mode (default 3)
 *
 * Outbox relay (relay.bench.ts; docs/performance.md "Outbox relay"): a tick's windows closing at once, added to
 * load's outbox in one transaction; time from the commit until they are on Kafka.
 *   BENCH_RELAY_EVENTS  events per transaction (default 5000)
 *   BENCH_RELAY_ROUNDS  transactions, one after the other is published (default 20)
 *
 * Whole pipeline (pipeline.bench.ts; docs/performance.md "Pipeline"): ingest, load, alerting and api
 * driven with the site simulator's generator, event time = wall time, windows closing continuously;
 * records/s through ingest and load, consumer lag, loss, window close → Postgres / Kafka latency,
 * CPU seconds per million records and peak memory per service.
 *   BENCH_PIPE_OPERATORS      operators (default 3: skt, kt, lguplus; more are created in the registry)
 *   BENCH_PIPE_SITES          sites per operator (default 10; beyond the 2 demo sites each, created in the registry)
 *   BENCH_PIPE_CELLS          cells per site (default 10)
 *   BENCH_PIPE_INTERVAL_MS    sample interval: one batch per operator per tick (default 1000)
 *   BENCH_PIPE_BATCH          records per request (default 500)
 *   BENCH_PIPE_SECONDS        measured seconds of sending (default 60) ...
 *   BENCH_PIPE_WARMUP_SECONDS ... after this many unmeasured ones (default 5)
 *   BENCH_PIPE_CONCURRENCY    requests in flight (default 8)
 *   BENCH_PIPE_WINDOW_MS      load's LOAD_WINDOW_MS (default 5000)
 *   BENCH_PIPE_OUT_OF_ORDER_MS load's LOAD_OUT_OF_ORDER_MS (default 2 × the interval)
 *   BENCH_PIPE_REGISTER_CELLS 1 (default): cells beyond the demo fleet are registered; 0: load's default allocation
 *   BENCH_PIPE_SEED           generator seed (default 1)
 *   BENCH_PIPE_DRAIN_SECONDS  how long to wait after the last tick for load and alerting to catch up (default 300)
 *   BENCH_PIPE_LOAD_INSTANCES load processes in one consumer group (default 1)
 *   BENCH_PIPE_ALERTING_INSTANCES alerting processes in one consumer group (default 1)
 *   BENCH_PIPE_CPU_PROFILE    alerting, api, ingest or load: a V8 CPU profile of its first process over the
 *                             phase, beside the report, summarised in it (busiest functions and modules)
 *
 * Alert latency (alerts.bench.ts, prometheus.bench.ts; docs/performance.md "Alert latency"): threshold
 * crossings one at a time, latency up to the webhook receiver, airan against Prometheus + Alertmanager.
 *   BENCH_ALERT_PHASES          which of window, sample, prometheus (default all three)
 *   BENCH_ALERT_CROSSINGS       measured crossings per phase, after one warm-up (default 20)
 *   BENCH_ALERT_GAP_MS          pause between crossings (default 2000) ...
 *   BENCH_ALERT_JITTER_MS       ... plus a uniform random 0..this (default 1000)
 *   BENCH_ALERT_TIMEOUT_MS      wait for the last alerts after the last crossing (default 30000)
 *   BENCH_ALERT_WINDOW_MS       load's LOAD_WINDOW_MS in the window phase (default 5000)
 *   BENCH_ALERT_OUT_OF_ORDER_MS load's LOAD_OUT_OF_ORDER_MS in the window phase (default 500)
 *
 * Exports (exports.bench.ts; docs/performance.md "Exports"): cell samples seeded by SQL, exported as CSV and
 * as Parquet through the api and read to the end; rows/s and the api's peak RSS.
 *   BENCH_EXPORT_ROWS  rows exported (default 1000000)
 *
 * Share (share.bench.ts; docs/performance.md "Share"): cell-load events on the source topic drained by share
 * to three partners' topics; events/s and share's CPU per million events.
 *   BENCH_SHARE_EVENTS events (default 200000)
 *
 * Ops console (console.bench.ts; docs/console.md "Scale"): the alert board and the load heatmap in Debian's
 * Chromium over seeded windows and alerts: time to first render, and frame times during a burst of alert
 * changes and a window tick for every cell.
 *   BENCH_CONSOLE_CELLS    cells with 15 windows each (default 5000)
 *   BENCH_CONSOLE_ALERTS   firing alerts (default 10000)
 *   BENCH_CONSOLE_CHANGES  alerts resolving in one burst (default 1000)
 *   BENCH_CONSOLE_PROFILE  a directory for the page's CPU profile of each burst (summarise with cpuprofile-summary.js)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FLEET } from '@airan/demo-fleet';
import { ServiceProcess } from '../support/service-process';
import { createApiKey, dropDatabase, isolate, postWithNewKey } from '../support/stack';
import { type AlertLatencyResult } from './alert-common';
import { benchAlerts } from './alerts.bench';
import { kafkaProducerPerf } from './kafka-perf.bench';
import { type LoadBenchResult, type LoadRateResult, type RateBenchOptions, benchLoad, benchLoadRate } from './load.bench';
import { PROFILED_APPS, type PipelineBenchOptions, type PipelineResult, benchPipeline } from './pipeline.bench';
import { formatSummary, summarise } from './cpuprofile-summary';
import { type RelayBenchResult, benchRelay, relayTable } from './relay.bench';
import { type ExportBenchResult, benchExports, exportsTable } from './exports.bench';
import { type ShareBenchResult, benchShare, shareTable } from './share.bench';
import { type ConsoleBenchResult, benchConsole, consoleTable } from './console.bench';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const VES_BATCH = Number(process.env.BENCH_VES_BATCH ?? 100);
const CELLS = Number(process.env.BENCH_CELLS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LOAD_MODE = process.env.BENCH_LOAD_MODE ?? 'search';
const LOAD_RATE: RateBenchOptions = {
  cells: CELLS,
  mode: LOAD_MODE === 'rate' ? 'rate' : 'search',
  rate: Number(process.env.BENCH_LOAD_RATE ?? 4000),
  factor: Number(process.env.BENCH_LOAD_FACTOR ?? 1.25),
  seconds: Number(process.env.BENCH_LOAD_SECONDS ?? 60),
  tolerance: Number(process.env.BENCH_LOAD_TOLERANCE ?? 0.03),
  maxSteps: Number(process.env.BENCH_LOAD_MAX_STEPS ?? 12),
};
const EXPORT_ROWS = Number(process.env.BENCH_EXPORT_ROWS ?? 1_000_000);
const SHARE_EVENTS = Number(process.env.BENCH_SHARE_EVENTS ?? 200_000);
const RELAY = { events: Number(process.env.BENCH_RELAY_EVENTS ?? 5000), rounds: Number(process.env.BENCH_RELAY_ROUNDS ?? 20) };
const ALL_PHASES = ['ingest', 'kafka', 'load', 'relay', 'pipeline', 'alerts', 'exports', 'share', 'console'];
const PHASES = new Set((process.env.BENCH_PHASES ?? ALL_PHASES.join(',')).split(',').map((p) => p.trim()).filter(Boolean));
const ALERTS = {
  crossings: Number(process.env.BENCH_ALERT_CROSSINGS ?? 20),
  gapMs: Number(process.env.BENCH_ALERT_GAP_MS ?? 2000),
  jitterMs: Number(process.env.BENCH_ALERT_JITTER_MS ?? 1000),
  timeoutMs: Number(process.env.BENCH_ALERT_TIMEOUT_MS ?? 30_000),
  windowMs: Number(process.env.BENCH_ALERT_WINDOW_MS ?? 5000),
  outOfOrderMs: Number(process.env.BENCH_ALERT_OUT_OF_ORDER_MS ?? 500),
  phases: new Set((process.env.BENCH_ALERT_PHASES ?? 'window,sample,prometheus').split(',').map((p) => p.trim()).filter(Boolean)),
};

const CONSOLE = {
  cells: Number(process.env.BENCH_CONSOLE_CELLS ?? 5000),
  alerts: Number(process.env.BENCH_CONSOLE_ALERTS ?? 10_000),
  changes: Number(process.env.BENCH_CONSOLE_CHANGES ?? 1000),
  profileDir: process.env.BENCH_CONSOLE_PROFILE,
};

const PIPE_INTERVAL_MS = Number(process.env.BENCH_PIPE_INTERVAL_MS ?? 1000);
/** bench-results/, made if missing: the reports and the profiles beside them. */
function resultsDir(): string {
  const dir = join(__dirname, '../../../bench-results');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The current time as it appears in result file names (no colons or dots). */
const fileStamp = () => new Date().toISOString().replace(/[:.]/g, '-');

/** `BENCH_PIPE_CPU_PROFILE=<app>`: where that app's profile goes, beside the reports. */
function pipelineCpuProfile(app: string | undefined): Pick<PipelineBenchOptions, 'cpuProfile'> {
  if (!app) return {};
  const known = PROFILED_APPS.find((a) => a === app);
  if (!known) throw new Error(`BENCH_PIPE_CPU_PROFILE must be one of ${PROFILED_APPS.join(', ')}, not "${app}"`);
  return { cpuProfile: { app: known, file: join(resultsDir(), `pipeline-${known}-${fileStamp()}.cpuprofile`) } };
}
const PIPELINE: PipelineBenchOptions = {
  operators: Number(process.env.BENCH_PIPE_OPERATORS ?? 3),
  sitesPerOperator: Number(process.env.BENCH_PIPE_SITES ?? 10),
  cellsPerSite: Number(process.env.BENCH_PIPE_CELLS ?? 10),
  intervalMs: PIPE_INTERVAL_MS,
  recordsPerRequest: Number(process.env.BENCH_PIPE_BATCH ?? 500),
  seconds: Number(process.env.BENCH_PIPE_SECONDS ?? 60),
  warmupSeconds: Number(process.env.BENCH_PIPE_WARMUP_SECONDS ?? 5),
  concurrency: Number(process.env.BENCH_PIPE_CONCURRENCY ?? 8),
  windowMs: Number(process.env.BENCH_PIPE_WINDOW_MS ?? 5000),
  outOfOrderMs: Number(process.env.BENCH_PIPE_OUT_OF_ORDER_MS ?? 2 * PIPE_INTERVAL_MS),
  registerCells: (process.env.BENCH_PIPE_REGISTER_CELLS ?? '1') !== '0',
  seed: Number(process.env.BENCH_PIPE_SEED ?? 1),
  drainTimeoutSeconds: Number(process.env.BENCH_PIPE_DRAIN_SECONDS ?? 300),
  loadInstances: Number(process.env.BENCH_PIPE_LOAD_INSTANCES ?? 1),
  alertingInstances: Number(process.env.BENCH_PIPE_ALERTING_INSTANCES ?? 1),
  ...pipelineCpuProfile(process.env.BENCH_PIPE_CPU_PROFILE),
};

interface PhaseResult {
  readonly phase: string;
  readonly requests: number;
  readonly records: number;
  readonly seconds: number;
  readonly recordsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly failures: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** Runs `send` with CONCURRENCY in flight for SECONDS, with a progress bar on stderr. */
async function drive(phase: string, recordsPerRequest: number, send: (i: number) => Promise<Response>): Promise<PhaseResult> {
  const latencies: number[] = [];
  let failures = 0;
  let issued = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  const progress = setInterval(() => {
    const done = Math.min(1, (performance.now() - started) / (SECONDS * 1000));
    const bar = '#'.repeat(Math.round(done * 30)).padEnd(30, '.');
    process.stderr.write(`\r${phase.padEnd(22)} [${bar}] ${latencies.length} requests`);
  }, 250);
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const i = issued++;
        const t0 = performance.now();
        const response = await send(i);
        await response.arrayBuffer();
        latencies.push(performance.now() - t0);
        if (response.status !== 202) failures++;
      }
    }),
  );
  clearInterval(progress);
  process.stderr.write('\n');
  const seconds = (performance.now() - started) / 1000;
  const sorted = [...latencies].sort((a, b) => a - b);
  const ok = latencies.length - failures;
  return { phase, requests: latencies.length, records: ok * recordsPerRequest, seconds, recordsPerSec: (ok * recordsPerRequest) / seconds, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), failures };
}

function nativeBatch(i: number): string {
  const site = FLEET[0].sites[0];
  const base = Math.floor(Date.now() / 1000) * 1000 - 60_000;
  const records = Array.from({ length: BATCH }, (_, k) => {
    const cell = site.cells[k % site.cells.length];
    return {
      type: 'cell', siteId: site.id, cellId: cell.id, ts: new Date(base + ((i * BATCH + k) % 60_000)).toISOString(), intervalMs: 1000,
      prbDlPct: 41.5, prbUlPct: 22.25, thpDlMbps: 310.5, rrcConnectedUes: 120, inferenceRequests: 14, inferenceTokens: 5200, gpuMs: 220.5, latencyP95Ms: 61,
    };
  });
  return JSON.stringify({ records });
}

/** VES measurement events as an O-DU's agent sends them: one event per cell, 3GPP counters as strings. */
function vesBatch(i: number): string {
  const site = FLEET[0].sites[0];
  const endUs = (Math.floor(Date.now() / 1000) * 1000 - 60_000) * 1000;
  const eventList = Array.from({ length: VES_BATCH }, (_, k) => {
    const cell = site.cells[k % site.cells.length];
    return {
      commonEventHeader: {
        domain: 'measurement', eventId: `pm-${i}-${k}`, eventName: 'Measurement_O_RAN_DU_PM1min', lastEpochMicrosec: endUs - k * 1000, priority: 'Normal',
        reportingEntityName: `${site.id}-ves-agent`, sequence: i, sourceName: site.id, startEpochMicrosec: endUs - k * 1000 - 60_000_000, version: '4.1', vesEventListenerVersion: '7.2.1',
      },
      measurementFields: {
        measurementInterval: 60, measurementFieldsVersion: '4.0',
        additionalMeasurements: [{ name: cell.id, hashMap: { 'RRU.PrbTotDl': '41.5', 'RRU.PrbTotUl': '22.25', 'DRB.UEThpDl': '310500', 'RRC.ConnMean': '120', 'airan.inference.requests': '14', 'airan.inference.gpu_ms': '220.5' } }],
      },
    };
  });
  return JSON.stringify({ eventList });
}

async function main(): Promise<void> {
  const unknown = [...PHASES].filter((p) => !ALL_PHASES.includes(p));
  if (unknown.length > 0) throw new Error(`BENCH_PHASES: unknown phase ${unknown.join(', ')} (${ALL_PHASES.join(', ')})`);
  if (!['search', 'rate', 'drain'].includes(LOAD_MODE)) throw new Error(`BENCH_LOAD_MODE: unknown mode ${LOAD_MODE} (search, rate, drain)`);
  const results = PHASES.has('ingest') ? await benchIngest() : [];
  // The native records above are ~300 bytes of JSON each once normalised; Kafka's tool sends the same size, acks=all.
  let kafka: { recordsPerSec: number; line: string } | undefined;
  if (PHASES.has('kafka')) {
    process.stderr.write('kafka producer-perf   (Apache Kafka\'s own tool, acks=all, 300-byte records)\n');
    kafka = await kafkaProducerPerf(join(__dirname, '../../..'), 500_000, 300);
  }
  let load: LoadBenchResult | undefined;
  let loadRate: LoadRateResult | undefined;
  if (PHASES.has('load') && LOAD_MODE === 'drain') {
    load = await benchLoad(CELLS, ROUNDS, (done) => process.stderr.write(`\r${'load service'.padEnd(22)} [${bar(done)}]`));
    process.stderr.write('\n');
  } else if (PHASES.has('load')) {
    let current = '';
    loadRate = await benchLoadRate(LOAD_RATE, (step, done, text) => {
      if (current && step !== current) process.stderr.write('\n');
      current = step;
      process.stderr.write(`\r${step.padEnd(22)} [${bar(done)}] ${text.padEnd(40)}`);
    });
    process.stderr.write('\n');
  }
  let relayed: RelayBenchResult | undefined;
  if (PHASES.has('relay')) {
    relayed = await benchRelay(RELAY, (done) => process.stderr.write(`\r${'outbox relay'.padEnd(22)} [${bar(done)}]`));
    process.stderr.write('\n');
  }
  let pipeline: PipelineResult | undefined;
  if (PHASES.has('pipeline')) {
    let current = '';
    pipeline = await benchPipeline(PIPELINE, (phase, done, text) => {
      if (current && phase !== current) process.stderr.write('\n');
      current = phase;
      process.stderr.write(`\r${phase.padEnd(22)} [${bar(done)}] ${text.padEnd(40)}`);
    });
    process.stderr.write('\n');
  }
  let alerts: AlertLatencyResult | undefined;
  if (PHASES.has('alerts')) {
    let current = '';
    alerts = await benchAlerts(ALERTS, (phase, done, text) => {
      if (current && phase !== current) process.stderr.write('\n');
      current = phase;
      process.stderr.write(`\r${phase.padEnd(22)} [${bar(done)}] ${text.padEnd(30)}`);
    });
    process.stderr.write('\n');
  }
  let exported: ExportBenchResult | undefined;
  if (PHASES.has('exports')) {
    exported = await benchExports(EXPORT_ROWS, (format, done) => process.stderr.write(`\r${`export ${format}`.padEnd(22)} [${bar(done)}]`));
    process.stderr.write('\n');
  }
  let shared: ShareBenchResult | undefined;
  if (PHASES.has('share')) {
    shared = await benchShare(SHARE_EVENTS, (done) => process.stderr.write(`\r${'share'.padEnd(22)} [${bar(done)}]`));
    process.stderr.write('\n');
  }
  let consoled: ConsoleBenchResult | undefined;
  if (PHASES.has('console')) {
    consoled = await benchConsole(CONSOLE, (step, done) => process.stderr.write(`\r${'console'.padEnd(22)} [${bar(done)}] ${step.padEnd(30)}`));
    process.stderr.write('\n');
  }
  report(results, { load, loadRate }, kafka, alerts, pipeline, exported, shared, consoled, relayed);
}

const bar = (done: number) => '#'.repeat(Math.round(Math.min(1, Math.max(0, done)) * 30)).padEnd(30, '.');

async function benchIngest(): Promise<PhaseResult[]> {
  const isolation = isolate();
  // One key drives ingest as fast as it takes requests: its rate limit would cap what is measured.
  const env = { ...isolation.env, LOG_LEVEL: 'error', INGEST_MAX_RECORDS: String(Math.max(5000, BATCH)), RATE_LIMIT_MAX: '100000000' };
  const services = await Promise.all([ServiceProcess.start('api', env), ServiceProcess.start('ingest', env)]);
  const [, ingest] = services;
  const results: PhaseResult[] = [];
  try {
    const { key } = await createApiKey(isolation, 'operator', FLEET[0].id);
    const url = `${ingest.url}/v1/telemetry`;
    await postWithNewKey(url, key, { records: [{ type: 'heartbeat', siteId: FLEET[0].sites[0].id, ts: new Date().toISOString() }] });
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    results.push(await drive(`native batches of ${BATCH}`, BATCH, (i) => fetch(url, { method: 'POST', headers, body: nativeBatch(i) })));
    const vesUrl = `${ingest.url}/eventListener/v7/eventBatch`;
    results.push(await drive(`VES batches of ${VES_BATCH} events`, VES_BATCH, (i) => fetch(vesUrl, { method: 'POST', headers, body: vesBatch(i) })));
  } finally {
    await Promise.all(services.map((s) => s.stop()));
    await dropDatabase(isolation);
  }
  return results;
}

function report(
  results: PhaseResult[],
  { load, loadRate }: { load?: LoadBenchResult; loadRate?: LoadRateResult },
  kafka: { recordsPerSec: number; line: string } | undefined,
  alerts: AlertLatencyResult | undefined,
  pipeline?: PipelineResult,
  exported?: ExportBenchResult,
  shared?: ShareBenchResult,
  consoled?: ConsoleBenchResult,
  relayed?: RelayBenchResult,
): void {
  const dir = resultsDir();
  const stamp = fileStamp();
  const meta = { at: new Date().toISOString(), phases: [...PHASES], seconds: SECONDS, concurrency: CONCURRENCY, batch: BATCH, node: process.version };
  writeFileSync(join(dir, `bench-${stamp}.json`), JSON.stringify({ meta, results, load, loadRate, kafka, relay: relayed, pipeline, alerts, exports: exported, share: shared, console: consoled }, null, 2));
  const sections: string[] = [];
  if (results.length > 0) {
    const rows = results.map((r) => `| ${r.phase} | ${r.requests} | ${Math.round(r.recordsPerSec).toLocaleString('en')} | ${r.p50Ms.toFixed(1)} | ${r.p99Ms.toFixed(1)} | ${r.failures} |`);
    sections.push(['| phase | requests | records/s | p50 ms | p99 ms | failures |', '|---|---|---|---|---|---|', ...rows].join('\n'));
  }
  if (kafka) {
    const native = results[0]?.recordsPerSec ?? NaN;
    sections.push(`Apache Kafka ProducerPerformance (same jars, acks=all, 300-byte records): ${Math.round(kafka.recordsPerSec).toLocaleString('en')} records/s${results.length > 0 ? `; ingest native ÷ Kafka = ${(native / kafka.recordsPerSec).toFixed(3)}` : ''}`);
  }
  if (load) {
    sections.push(
      [
        '| phase | samples | seconds | samples/s | windows closed | peak RSS MB | lag (messages) through the run |',
        '|---|---|---|---|---|---|---|',
        `| ${load.phase} | ${load.samples} | ${load.seconds.toFixed(1)} | ${Math.round(load.samplesPerSec).toLocaleString('en')} | ${load.windowsClosed} | ${load.peakRssMb.toFixed(0)} | ${load.lagSamples.join(' → ')} |`,
      ].join('\n'),
    );
  }
  if (loadRate) sections.push(loadRateTable(loadRate));
  if (relayed) sections.push(relayTable(relayed));
  if (pipeline) sections.push(pipelineTable(pipeline, kafka));
  if (pipeline?.options.cpuProfile) sections.push(`CPU profile of ${pipeline.options.cpuProfile.app} (${pipeline.options.cpuProfile.file}):\n\n\`\`\`\n${formatSummary(summarise(pipeline.options.cpuProfile.file))}\n\`\`\``);
  if (alerts) sections.push(alertTable(alerts));
  if (exported) sections.push(exportsTable(exported));
  if (shared) sections.push(shareTable(shared));
  if (consoled) sections.push(consoleTable(consoled));
  const table = sections.join('\n\n');
  writeFileSync(join(dir, `bench-${stamp}.md`), `# airan bench ${meta.at}\n\n${JSON.stringify(meta)}\n\n${table}\n`);
  process.stdout.write(`\n${table}\n\nwritten to bench-results/bench-${stamp}.{json,md}\n`);
}

/** The load phase's offered-rate steps, then the largest rate held with its memory and CPU. */
function loadRateTable(r: LoadRateResult): string {
  const o = r.options;
  const n = (v: number) => (Number.isFinite(v) ? (Math.round(v) || 0).toLocaleString('en') : '–');
  const fixed = (v: number | undefined, d: number) => (v !== undefined && Number.isFinite(v) ? v.toFixed(d) : '–');
  const f = r.fleet;
  const s = r.sustained;
  return [
    `Load service, offered rate: ${n(f.cells)} registered cells (${n(f.sites)} sites, ${n(f.sites)} GPU nodes with ${n(f.gpus)} GPUs; ${n(f.registryEvents)} registry events produced in ${fixed(f.registrySeconds, 1)} s, load ready ${fixed(f.loadReadySeconds, 1)} s after spawning), ` +
      `one sample per cell per 60 s window; steps of ≥ ${o.seconds} s${o.mode === 'search' ? ` from ${n(o.rate)} samples/s × ${o.factor}` : ''}; held = lag and outbox slopes over the second half ≤ ${o.tolerance * 100} % of the rate`,
    '',
    '| offered samples/s | produced samples/s | applied samples/s | s | lag slope, samples/s | max lag, samples | outbox slope, events/s | max outbox | held | drained after, s | windows closed | load CPU s per M samples | Postgres CPU s per M samples | machine busy | peak RSS MB |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...r.steps.map((x) =>
      `| ${n(x.offeredPerSec)} | ${n(x.producedPerSec)} | ${n(x.appliedPerSec)} | ${fixed(x.seconds, 0)} | ${n(x.lag.slope)} | ${n(x.lag.max)} | ${n(x.outbox.slope)} | ${n(x.outbox.max)} | ${x.held ? 'yes' : `**no** (${x.note})`} | ${fixed(x.drainedSeconds, 1)} | ${n(x.windowsClosed)} | ${fixed(x.loadCpuPerMillion, 1)} | ${fixed(x.pgCpuPerMillion, 1)} | ${fixed(x.machineBusy * 100, 0)} % | ${fixed(x.peakRssMb, 0)} |`),
    '',
    s
      ? `Held: **${n(s.offeredPerSec)} samples/s** with lag not growing; peak RSS of load **${fixed(r.peakRssMb, 0)} MB** with ${n(f.cells)} active cells; at that rate ${fixed(s.loadCpuPerMillion, 1)} CPU s per million samples in load and ${fixed(s.pgCpuPerMillion, 1)} in its Postgres backends. Stopped: ${r.stoppedBecause}.`
      : `No step held its rate (${r.stoppedBecause}); peak RSS of load ${fixed(r.peakRssMb, 0)} MB.`,
    `Windows: ${n(r.windows.closed)} closed, ${n(r.windows.attributed)} of them with node GPU time attributed (AI and radio).`,
  ].join('\n');
}

/** The pipeline phase: throughput, lag, loss, window latency, then CPU and memory per process. */
function pipelineTable(p: PipelineResult, kafka: { recordsPerSec: number } | undefined): string {
  const o = p.options;
  const n = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en') : '–');
  const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(0) : '–');
  const fixed = (v: number, d: number) => (Number.isFinite(v) ? v.toFixed(d) : '–');
  // The largest reading in each tenth of the run: the trend without hiding peaks.
  const tenths = (xs: number[]) => {
    const size = Math.max(1, Math.ceil(xs.length / 10));
    const out: number[] = [];
    for (let i = 0; i < xs.length; i += size) out.push(Math.max(...xs.slice(i, i + size)));
    return out.join(' → ');
  };
  const ratio = kafka ? fixed(p.ingestRecordsPerSec / kafka.recordsPerSec, 3) : '– (kafka phase not run)';
  const lossCell = p.loss.difference === 0 ? '0 (none)' : `${p.loss.difference > 0 ? '+' : ''}${p.loss.difference}`;
  const windowRows = [p.windows.toPostgres, p.windows.toKafka, ...p.windows.also].map((f) => `| ${f.from} | ${f.n} | ${ms(f.p50Ms)} | ${ms(f.p99Ms)} | ${ms(f.maxMs)} |`);
  return [
    `Pipeline: ${o.operators} operators × ${o.sitesPerOperator} sites × ${o.cellsPerSite} cells (${p.fleet.cells} cells, ${p.fleet.gpus} GPUs, ${p.fleet.recordsPerTick} records in ${p.fleet.requestsPerTick} requests every ${o.intervalMs} ms), ` +
      `${o.recordsPerRequest} records per request, ${o.concurrency} in flight, ${o.seconds} s measured after ${o.warmupSeconds} s warm-up; windows ${o.windowMs} ms, out-of-order ${o.outOfOrderMs} ms; ` +
      `load average ${p.loadAverage.start.map((v) => v.toFixed(2)).join(' ')} → ${p.loadAverage.end.map((v) => v.toFixed(2)).join(' ')}`,
    '',
    '| pipeline | offered records/s | ingest accepted records/s | load applied records/s | ÷ Kafka records/s | requests | failures | skipped ticks | samples accepted | samples stored | stored − accepted | load caught up, s after last 202 |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    `| ${p.phase} | ${n(p.offeredRecordsPerSec)} | ${n(p.ingestRecordsPerSec)} | ${n(p.loadRecordsPerSec)} | ${ratio} | ${p.requests} | ${p.failures} | ${p.skippedTicks} | ${n(p.loss.acceptedCellSamples + p.loss.acceptedGpuSamples)} | ${n(p.loss.storedCellSamples + p.loss.storedGpuSamples)} | ${lossCell} | ${fixed(p.loadCaughtUpAfterLastAnswerSeconds, 1)} |`,
    '',
    '| consumer lag (messages), one reading per second | first third | last third | max | grew | max of each tenth of the run |',
    '|---|---|---|---|---|---|',
    ...p.lag.map((l) => `| ${l.consumer} | ${fixed(l.firstThirdMean, 1)} | ${fixed(l.lastThirdMean, 1)} | ${l.max} | ${l.grew ? `**yes** (> ${l.tolerance})` : `no (tolerance ${l.tolerance})`} | ${tenths(l.series)} |`),
    '',
    `Windows: ${p.windows.measured} closed during the measured interval (${p.windows.closed} in all, ${p.windows.revised} revised, ${p.windows.stillOpen} open at the end, ${p.windows.tooLateSamples} too-late samples); ${p.alertEvents} alert events. ` +
      `Requests: POST → 202 p50 ${ms(p.requestLatency.p50Ms)} ms, p99 ${ms(p.requestLatency.p99Ms)} ms; tick → POST sent p99 ${ms(p.dispatchDelay.p99Ms)} ms.`,
    '',
    '| window latency | windows | p50 ms | p99 ms | max ms |',
    '|---|---|---|---|---|',
    ...windowRows,
    '',
    `Load's batch transactions, wall ms by step per 1,000 windows closed (whole run, summed over the partitions applied in parallel): ` +
      Object.entries(p.loadSteps).sort(([, a], [, b]) => b - a).map(([step, s]) => `${step} ${fixed((s * 1e6) / Math.max(1, p.windows.closed), 0)}`).join(', '),
    '',
    ...statementRows(p.statements),
    '| process | CPU s | % of one core | CPU s per million records | peak RSS MB |',
    '|---|---|---|---|---|',
    ...p.services.map((s) => `| ${s.name}${s.note ? ` (${s.note})` : ''} | ${fixed(s.cpuSeconds, 1)} | ${fixed(s.cpuPercent, 0)} | ${fixed(s.cpuSecondsPerMillionRecords, 1)} | ${s.peakRssMb === undefined ? '–' : fixed(s.peakRssMb, 0)} |`),
    '',
    `Machine over the same interval: ${p.machine.cores} cores ${fixed(p.machine.busyPercent, 0)} % busy (${fixed(p.machine.busyCores, 2)} cores; this run's processes ${fixed(p.machine.thisRunCores, 2)}, ` +
      `the broker and everything else ${fixed(p.machine.otherCores, 2)}), iowait ${fixed(p.machine.iowaitPercent, 1)} %.`,
    ...(p.notes.length > 0 ? ['', ...p.notes.map((x) => `Note: ${x}`)] : []),
  ].join('\n');
}

/** The database's time by statement, as shares of the listed statements' total. */
function statementRows(statements: PipelineResult['statements']): string[] {
  if (statements === null) return ['Postgres statements: not profiled (the server does not preload pg_stat_statements; see docs/performance.md).', ''];
  const total = statements.reduce((t, s) => t + s.seconds, 0);
  return [
    `| Postgres statement (pg_stat_statements: executor time, measured interval and drain) | s | share of the ${statements.length} listed | calls | rows |`,
    '|---|---|---|---|---|',
    ...statements.map((s) => `| \`${s.query.slice(0, 140).replace(/\|/g, '\\|')}${s.query.length > 140 ? '…' : ''}\` | ${s.seconds.toFixed(2)} | ${((100 * s.seconds) / Math.max(total, 1e-9)).toFixed(0)} % | ${s.calls} | ${s.rows} |`),
    '',
  ];
}

/** Alert latency: one row per phase, airan ÷ Prometheus where both ran, then what each was measured from. */
function alertTable(alerts: AlertLatencyResult): string {
  const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(0) : '–');
  const ratio = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(3));
  const rows = alerts.phases.map((p) => {
    const r = alerts.ratios.find((x) => x.phase === p.phase);
    if (!p.available) return `| ${p.phase} | ${p.crossings} | – | – | – | – | – | – | ${p.note ?? 'not available'} |`;
    return `| ${p.phase} | ${p.crossings} | ${p.n} | ${ms(p.p50Ms)} | ${ms(p.p99Ms)} | ${ms(p.maxMs)} | ${ratio(r?.p50)} | ${ratio(r?.p99)} | ${p.from}${p.note ? ` (${p.note})` : ''} |`;
  });
  const also = alerts.phases.flatMap((p) => p.also.map((a) => `| ${p.phase} | ${a.n} | ${ms(a.p50Ms)} | ${ms(a.p99Ms)} | ${ms(a.maxMs)} | ${a.from} |`));
  const o = alerts.options;
  return [
    `Alert latency: crossing → webhook received; ${o.crossings} crossings per phase, ${o.gapMs}–${o.gapMs + o.jitterMs} ms apart; airan windows ${o.windowMs} ms, out-of-order ${o.outOfOrderMs} ms; Prometheus scrape and evaluation 1 s, Alertmanager group_wait 0s`,
    '',
    '| alert latency | crossings | alerts | p50 ms | p99 ms | max ms | ÷ Prometheus p50 | ÷ Prometheus p99 | measured from |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    ...(also.length > 0 ? ['', '| same alerts | alerts | p50 ms | p99 ms | max ms | measured from |', '|---|---|---|---|---|---|', ...also] : []),
  ].join('\n');
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
