/**
 * `npm run bench`: brings up ingest (with the api that owns the registry) on the local broker and
 * Postgres, drives it, and writes bench-results/bench-<time>.{json,md}. Not part of `npm test`:
 * speed is measured here, never asserted in tests.
 *
 *   BENCH_SECONDS      seconds per phase (default 20)
 *   BENCH_CONCURRENCY  requests in flight (default 8)
 *   BENCH_BATCH        records per native batch (default 500)
 *   BENCH_VES_BATCH    events per VES eventBatch (default 100)
 *   BENCH_CELLS        active cells in the load phase (default 100000)
 *   BENCH_ROUNDS       windows per cell in the load phase (default 3)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FLEET } from '@airan/demo-fleet';
import { ServiceProcess, createApiKey, dropDatabase, isolate, postWithNewKey } from '../support/stack';
import { kafkaProducerPerf } from './kafka-perf.bench';
import { type LoadBenchResult, benchLoad } from './load.bench';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const VES_BATCH = Number(process.env.BENCH_VES_BATCH ?? 100);
const CELLS = Number(process.env.BENCH_CELLS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

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
  const isolation = isolate();
  const env = { ...isolation.env, LOG_LEVEL: 'error', INGEST_MAX_RECORDS: String(Math.max(5000, BATCH)) };
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
  // The native records above are ~300 bytes of JSON each once normalised; Kafka's tool sends the same size, acks=all.
  process.stderr.write('kafka producer-perf   (Apache Kafka\'s own tool, acks=all, 300-byte records)\n');
  const kafka = await kafkaProducerPerf(join(__dirname, '../../..'), 500_000, 300);
  const load = await benchLoad(CELLS, ROUNDS, (done) => process.stderr.write(`\r${'load service'.padEnd(22)} [${'#'.repeat(Math.round(done * 30)).padEnd(30, '.')}]`));
  process.stderr.write('\n');
  report(results, load, kafka);
}

function report(results: PhaseResult[], load: LoadBenchResult, kafka: { recordsPerSec: number; line: string }): void {
  const dir = join(__dirname, '../../../bench-results');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const meta = { at: new Date().toISOString(), seconds: SECONDS, concurrency: CONCURRENCY, batch: BATCH, node: process.version };
  writeFileSync(join(dir, `bench-${stamp}.json`), JSON.stringify({ meta, results, load, kafka }, null, 2));
  const rows = results.map((r) => `| ${r.phase} | ${r.requests} | ${Math.round(r.recordsPerSec).toLocaleString('en')} | ${r.p50Ms.toFixed(1)} | ${r.p99Ms.toFixed(1)} | ${r.failures} |`);
  const loadTable = [
    '| phase | samples | seconds | samples/s | windows closed | peak RSS MB | lag (messages) through the run |',
    '|---|---|---|---|---|---|---|',
    `| ${load.phase} | ${load.samples} | ${load.seconds.toFixed(1)} | ${Math.round(load.samplesPerSec).toLocaleString('en')} | ${load.windowsClosed} | ${load.peakRssMb.toFixed(0)} | ${load.lagSamples.join(' → ')} |`,
  ].join('\n');
  const native = results[0]?.recordsPerSec ?? NaN;
  const kafkaLine = `Apache Kafka ProducerPerformance (same jars, acks=all, 300-byte records): ${Math.round(kafka.recordsPerSec).toLocaleString('en')} records/s; ingest native ÷ Kafka = ${(native / kafka.recordsPerSec).toFixed(3)}`;
  const table = ['| phase | requests | records/s | p50 ms | p99 ms | failures |', '|---|---|---|---|---|---|', ...rows].join('\n') + '\n\n' + kafkaLine + '\n\n' + loadTable;
  writeFileSync(join(dir, `bench-${stamp}.md`), `# airan bench ${meta.at}\n\n${JSON.stringify(meta)}\n\n${table}\n`);
  process.stdout.write(`\n${table}\n\nwritten to bench-results/bench-${stamp}.{json,md}\n`);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
