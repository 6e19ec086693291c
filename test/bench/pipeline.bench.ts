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
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Admin, Kafka, type PartitionMetadata, Partitioners, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { topicNames } from '@airan/contracts';
import { CELL_GPU_ALLOCATION, FLEET, type OperatorId, type SimCell, type SimOperator, type SimSite, createPrng, hash32 } from '@airan/demo-fleet';
import { buildOperatorBatch } from '../../apps/simulator/src/simulator.samples';
import { deleteTopics } from '../support/kafka-test-tools';
import { metricTotal } from '../support/metrics';
import { ServiceProcess } from '../support/service-process';
import { createApiKey, dropDatabase, eventually, isolate } from '../support/stack';
import { type LatencyFigures, figures, sleep } from './alert-common';
import { wallNow } from './alert-receiver';
import { CLK_TCK, cpuTicksOf, loadAverage, machineCpuTicks, peakRssMbOf } from './proc-usage';

export interface PipelineBenchOptions {
  readonly operators: number;
  readonly sitesPerOperator: number;
  readonly cellsPerSite: number;
  /** Sample interval: the generator's tick, and every cell sample's `intervalMs`. */
  readonly intervalMs: number;
  readonly recordsPerRequest: number;
  /** Measured seconds of sending, after the warm-up. */
  readonly seconds: number;
  readonly warmupSeconds: number;
  /** Requests in flight. */
  readonly concurrency: number;
  /** load's LOAD_WINDOW_MS and LOAD_OUT_OF_ORDER_MS. */
  readonly windowMs: number;
  readonly outOfOrderMs: number;
  readonly seed: number;
  readonly registerCells: boolean;
  /** How long to wait, after the last tick, for load and alerting to apply everything. */
  readonly drainTimeoutSeconds: number;
}

export type PipelineProgress = (phase: string, done: number, text: string) => void;

export interface ConsumerLag {
  /** What lags: consumer group and topic. */
  readonly consumer: string;
  /** Messages on the topic not yet applied (end offsets − offsets stored beside the state), one reading per second of the measured sending. */
  readonly series: number[];
  readonly firstThirdMean: number;
  readonly lastThirdMean: number;
  readonly max: number;
  /** The last-third mean exceeds the first-third mean by more than `tolerance`. */
  readonly grew: boolean;
  /** The natural saw-tooth: messages a tick (telemetry) or a window close (cell-load) brings at once. */
  readonly tolerance: number;
}

export interface ServiceUsage {
  readonly name: string;
  readonly pid?: number;
  /** utime + stime over the measured interval. */
  readonly cpuSeconds: number;
  /** cpuSeconds ÷ the interval's wall seconds × 100: percent of one core. */
  readonly cpuPercent: number;
  readonly cpuSecondsPerMillionRecords: number;
  /** VmHWM at the end: the process's peak resident memory since it started (start-up included). */
  readonly peakRssMb?: number;
  readonly note?: string;
}

export interface PipelineResult {
  readonly phase: string;
  readonly options: PipelineBenchOptions;
  readonly fleet: { operators: number; sites: number; cells: number; gpus: number; recordsPerTick: number; requestsPerTick: number; registryPuts: number; registrySeconds: number };
  readonly loadAverage: { start: number[]; end: number[] };
  /** Records the generator offers per second at this scale (records per tick ÷ interval). */
  readonly offeredRecordsPerSec: number;
  /** Measured ticks, and those skipped because ingest had not taken the previous ones yet. */
  readonly ticks: number;
  readonly skippedTicks: number;
  /** Requests (and their records) of the measured interval. */
  readonly requests: number;
  readonly failures: number;
  readonly rejectedRecords: number;
  readonly acceptedRecords: number;
  /** Seconds the measured ticks span (their count × the interval), or until the last answer if that came later. */
  readonly sendSeconds: number;
  /** Accepted records ÷ sendSeconds. */
  readonly ingestRecordsPerSec: number;
  /** Seconds from the measured interval's start until load's stored offsets reached the topic's end (at least the ticks' span). */
  readonly loadCaughtUpSeconds: number;
  /** Accepted records ÷ loadCaughtUpSeconds: records through load, end to end, over the whole run. */
  readonly loadRecordsPerSec: number;
  /** How long after ingest's last answer load's stored offsets reached the topic's end (polled every 200 ms). */
  readonly loadCaughtUpAfterLastAnswerSeconds: number;
  /** Seconds from the start until alerting (both groups) caught up and load's outbox was relayed too. */
  readonly drainedSeconds: number;
  readonly drained: boolean;
  /** POST → 202, and tick → POST sent (how far behind the clock the generator ran). */
  readonly requestLatency: LatencyFigures;
  readonly dispatchDelay: LatencyFigures;
  readonly lag: ConsumerLag[];
  /** The whole run (warm-up included): samples ingest accepted against rows in load's sample tables. */
  readonly loss: {
    readonly acceptedCellSamples: number;
    readonly storedCellSamples: number;
    readonly acceptedGpuSamples: number;
    readonly storedGpuSamples: number;
    /** stored − accepted (cell + GPU): 0 is no loss and no duplicate. */
    readonly difference: number;
    /** Records in requests that failed (not 202): they may or may not have reached Kafka. */
    readonly recordsInFailedRequests: number;
  };
  readonly windows: {
    /** Windows (revision 0) whose closing request was answered within the measured interval. */
    readonly measured: number;
    readonly closed: number;
    readonly revised: number;
    readonly stillOpen: number;
    readonly tooLateSamples: number;
    readonly toPostgres: LatencyFigures;
    readonly toKafka: LatencyFigures;
    readonly also: LatencyFigures[];
  };
  readonly alertEvents: number;
  readonly services: ServiceUsage[];
  /** The whole machine over the measured interval (/proc/stat): how busy its cores were, and how much of that was not this run's processes. */
  readonly machine: { readonly cores: number; readonly busyPercent: number; readonly iowaitPercent: number; readonly busyCores: number; readonly thisRunCores: number; readonly otherCores: number };
  readonly notes: string[];
}

interface RegistryPut {
  readonly type: 'operator' | 'pilot' | 'site' | 'gpu-node' | 'cell';
  readonly id: string;
  readonly body: Record<string, unknown>;
}

/** A cell as the demo fleet derives one from its id (libs/demo-fleet buildSite), for sites and cells beyond the demo fleet. */
function syntheticCell(id: string, template: SimSite, k: number): SimCell {
  const h = hash32(id);
  const like = template.cells[k % template.cells.length];
  const widthFactor = like.bandwidthMHz / 100;
  return {
    id,
    band: 'n78',
    bandwidthMHz: like.bandwidthMHz,
    peakUeThpDlMbps: Math.round((380 + (h % 120)) * widthFactor),
    peakUeThpUlMbps: Math.round((45 + ((h >>> 8) % 25)) * widthFactor),
    peakUes: Math.round(like.peakUes * (0.9 + ((h >>> 16) % 20) / 100)),
    inferenceBias: Math.round((((h >>> 4) % 201) / 1000 - 0.1) * 1000) / 1000,
  };
}

/** The bench fleet and the registry writes it needs beyond what the api seeds, in dependency order. */
export function benchFleet(o: Pick<PipelineBenchOptions, 'operators' | 'sitesPerOperator' | 'cellsPerSite' | 'registerCells'>): { operators: SimOperator[]; stages: RegistryPut[][] } {
  const stages: RegistryPut[][] = [[], [], [], [], []]; // operators, pilots, sites, GPU nodes, cells
  const operators: SimOperator[] = [];
  for (let i = 0; i < o.operators; i++) {
    const template = FLEET[i % FLEET.length];
    const demo = i < FLEET.length;
    const id = demo ? template.id : `bench-op${i + 1}`;
    const name = demo ? template.name : `Bench operator ${i + 1}`;
    const pilotId = `${id}-ai-ran-2026`;
    if (!demo) {
      stages[0].push({ type: 'operator', id, body: { name } });
      stages[1].push({ type: 'pilot', id: pilotId, body: { name: `${name} AI-RAN pilot 2026`, operatorId: id, region: 'Seoul', partnerIds: [], status: 'active', startDate: '2026-03-01' } });
    }
    const sites: SimSite[] = [];
    for (let k = 0; k < o.sitesPerOperator; k++) {
      const t = template.sites[k % template.sites.length];
      const demoSite = demo && k < template.sites.length;
      const siteId = demoSite ? t.id : `${id}-bench-${String(k + 1).padStart(4, '0')}`;
      const hostname = demoSite ? t.gpuNode.hostname : `${siteId}-gpu01`;
      if (!demoSite) {
        stages[2].push({ type: 'site', id: siteId, body: { operatorId: id, pilotId, name: `${t.name} (bench ${k + 1})`, latitude: t.latitude, longitude: t.longitude } });
        stages[3].push({ type: 'gpu-node', id: hostname, body: { siteId, hostname, model: t.gpuNode.model.id, gpuCount: t.gpuNode.devices.length } });
      }
      const cells: SimCell[] = [];
      for (let c = 1; c <= o.cellsPerSite; c++) {
        const cellId = `${siteId}-c${c}`;
        const demoCell = demoSite ? t.cells.find((x) => x.id === cellId) : undefined;
        cells.push(demoCell ?? syntheticCell(cellId, t, c - 1));
        if (!demoCell && o.registerCells) {
          stages[4].push({ type: 'cell', id: cellId, body: { siteId, band: 'n78', bandwidthMhz: t.cells[0].bandwidthMHz, gpuNodeId: hostname, allocatedGpus: CELL_GPU_ALLOCATION } });
        }
      }
      sites.push({ ...t, id: siteId, operatorId: id as OperatorId, cells, gpuNode: { ...t.gpuNode, hostname } });
    }
    // Operators beyond the demo three are not `OperatorId`s; the generator only reads the object.
    operators.push({ id: id as OperatorId, name, sites });
  }
  return { operators, stages };
}

/** Runs `fn` over `items` with `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

interface Job {
  readonly tick: number;
  readonly operatorId: string;
  readonly body: string;
  readonly records: number;
  readonly cells: number;
  readonly gpus: number;
  readonly partitions: readonly number[];
  readonly measured: boolean;
}

interface Sent {
  readonly tick: number;
  readonly records: number;
  readonly cells: number;
  readonly gpus: number;
  readonly partitions: readonly number[];
  readonly measured: boolean;
  readonly sentAt: number;
  readonly answeredAt: number;
  readonly ok: boolean;
  readonly accepted: number;
  readonly rejected: number;
}

interface LagReading {
  readonly at: number;
  readonly telemetryEnd: number;
  readonly cellLoadEnd: number;
  readonly load: number;
  readonly alertingSamples: number;
  readonly alertingWindows: number;
}

interface CpuSnapshot {
  readonly at: number;
  readonly ticks: Map<string, number>;
  readonly bench: NodeJS.CpuUsage;
  readonly machine: ReturnType<typeof machineCpuTicks>;
}

const run = promisify(execFile);

export async function benchPipeline(options: PipelineBenchOptions, progress: PipelineProgress): Promise<PipelineResult> {
  const o = options;
  const label = 'pipeline';
  const notes: string[] = [];
  const loadAvgStart = loadAverage();
  const isolation = isolate();
  const topics = topicNames(isolation.topicPrefix);
  const env = { ...isolation.env, LOG_LEVEL: 'error' };
  const services: ServiceProcess[] = [];
  const kafka = new Kafka({ clientId: 'airan-bench-pipeline', brokers: env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
  let admin: Admin | undefined;
  const db = new Client({ connectionString: isolation.databaseUrl });
  let dbOpen = false;
  try {
    progress(`${label}: starting`, 0, 'ingest, load, alerting, api');
    const alerting = await ServiceProcess.start('alerting', env);
    services.push(alerting);
    const api = await ServiceProcess.start('api', { ...env, API_ALERTING_URL: alerting.url });
    services.push(api);
    const [ingest, load] = await Promise.all([
      ServiceProcess.start('ingest', { ...env, INGEST_MAX_RECORDS: String(Math.max(5000, o.recordsPerRequest)) }),
      ServiceProcess.start('load', {
        ...env,
        LOAD_WINDOW_MS: String(o.windowMs),
        LOAD_OUT_OF_ORDER_MS: String(o.outOfOrderMs),
        LOAD_ALLOWED_LATENESS_MS: String(10 * o.windowMs),
      }),
    ]);
    services.push(ingest, load);
    await db.connect();
    dbOpen = true;
    admin = kafka.admin();
    await admin.connect();

    // The registry: what the api seeded (the demo fleet) plus the bench's own entities.
    const { operators, stages } = benchFleet(o);
    const { key: adminKey } = await createApiKey(isolation, 'admin', 'bench');
    const puts = stages.flat().length;
    let done = 0;
    const registryStarted = performance.now();
    await eventually(async () => {
      // The api seeds the demo fleet right after start-up: wait for the last demo cell.
      const last = FLEET[FLEET.length - 1].sites.at(-1)!.cells.at(-1)!.id;
      const r = await fetch(`${api.url}/v1/registry/cell/${last}`, { headers: { authorization: `Bearer ${adminKey}` } });
      if (r.status !== 200) throw new Error(`demo fleet not seeded yet (${r.status})`);
    }, 60_000);
    for (const stage of stages) {
      await pool(stage, 8, async (p) => {
        const r = await fetch(`${api.url}/v1/registry/${p.type}/${p.id}`, { method: 'PUT', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify(p.body) });
        if (!r.ok) throw new Error(`PUT /v1/registry/${p.type}/${p.id} answered ${r.status} ${(await r.text()).slice(0, 300)}`);
        done++;
      });
      progress(`${label}: registry`, puts === 0 ? 1 : done / puts, `${done}/${puts} registry entities`);
    }
    const registrySeconds = (performance.now() - registryStarted) / 1000;
    const keys = new Map<string, string>();
    for (const op of operators) {
      const { key } = await createApiKey(isolation, 'operator', op.id);
      keys.set(op.id, key);
      // Keys and sites reach ingest over the registry topic: wait until it takes the operator's last site.
      const lastSite = op.sites.at(-1)!.id;
      await eventually(async () => {
        const r = await fetch(`${ingest.url}/v1/telemetry`, {
          method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ records: [{ type: 'heartbeat', siteId: lastSite, ts: new Date(Date.now() - 7_200_000).toISOString() }] }),
        });
        if (r.status !== 202) throw new Error(`ingest does not take ${lastSite} yet: ${r.status} ${(await r.text()).slice(0, 200)}`);
      }, 120_000, 250);
    }

    // Which telemetry partition each site's reports land on: ingest keys them by siteId with kafkajs' default (Java-compatible murmur2) partitioner.
    const metadata = await admin.fetchTopicMetadata({ topics: [topics.telemetry] });
    const partitionMetadata: PartitionMetadata[] = metadata.topics[0].partitions;
    const partitioner = Partitioners.DefaultPartitioner();
    const partitionOf = new Map<string, number>();
    for (const op of operators) for (const s of op.sites) partitionOf.set(s.id, partitioner({ topic: topics.telemetry, partitionMetadata, message: { key: s.id, value: null } }));

    // ---------------------------------------------------------------------------------------
    // Lag: topic end offsets − offsets stored beside the state (a partition with none stored yet counts from 0).
    const endOf = async (topic: string) => (await admin!.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
    const storedOf = async (schema: 'load' | 'alerting') => {
      const rows: Array<{ topic: string; n: string }> = (await db.query(`SELECT topic, sum(next_offset)::bigint AS n FROM "${schema}".consumer_offsets GROUP BY topic`)).rows;
      return new Map(rows.map((r) => [r.topic, Number(r.n)]));
    };
    const readLag = async (): Promise<LagReading> => {
      const [telemetryEnd, cellLoadEnd, l, a] = await Promise.all([endOf(topics.telemetry), endOf(topics.cellLoad), storedOf('load'), storedOf('alerting')]);
      return {
        at: wallNow(), telemetryEnd, cellLoadEnd,
        load: telemetryEnd - (l.get(topics.telemetry) ?? 0),
        alertingSamples: telemetryEnd - (a.get(topics.telemetry) ?? 0),
        alertingWindows: cellLoadEnd - (a.get(topics.cellLoad) ?? 0),
      };
    };

    // CPU: the four services, Postgres backends connected to this run's database, the broker (shared), the bench itself.
    const named: Array<[string, number]> = services.map((s) => [s.app, s.pid]);
    const broker = await brokerPid();
    if (broker !== undefined) named.push(['kafka broker', broker]);
    // Postgres backends come and go with the services' pools: each is followed from its first reading
    // (0 if it connected after the start) to its last, read every second, so one that ends still counts.
    const postgres = new Map<number, { start: number; last: number }>();
    let trackingPostgres = false;
    const trackPostgres = async (starting = false) => {
      if (!trackingPostgres && !starting) return;
      const pids: Array<{ pid: number }> = (await db.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')).rows;
      for (const { pid } of pids) {
        const t = cpuTicksOf(pid);
        if (t === undefined) continue;
        const seen = postgres.get(pid);
        postgres.set(pid, { start: seen?.start ?? (starting ? t : 0), last: t });
      }
      trackingPostgres = true;
    };
    const snapshot = async (starting = false): Promise<CpuSnapshot> => {
      const at = wallNow();
      const bench = process.cpuUsage();
      const machine = machineCpuTicks();
      const ticks = new Map<string, number>();
      for (const [name, pid] of named) {
        const t = cpuTicksOf(pid);
        if (t !== undefined) ticks.set(name, t);
      }
      await trackPostgres(starting);
      return { at, ticks, bench, machine };
    };

    // ---------------------------------------------------------------------------------------
    // The generator.
    const I = o.intervalMs;
    const firstTick = Math.ceil((wallNow() + 1000) / I) * I;
    const measureTick = firstTick + Math.ceil((o.warmupSeconds * 1000) / I) * I;
    const endTick = measureTick + Math.max(1, Math.round((o.seconds * 1000) / I)) * I; // exclusive
    const measuredTicks = (endTick - measureTick) / I;
    const totalMs = endTick - firstTick;
    const queue: Job[] = [];
    const waiting: Array<() => void> = [];
    const wake = () => waiting.splice(0).forEach((resolve) => resolve());
    const sent: Sent[] = [];
    const dispatchDelays: number[] = [];
    let ticking = true;
    let skippedTicks = 0;
    let requestsPerTick = 0;
    let recordsPerTick = 0;
    let startSnapshot: Promise<CpuSnapshot> | undefined;
    let acceptedSoFar = 0;
    const lagReadings: LagReading[] = [];

    const onTick = (tick: number) => {
      const measured = tick >= measureTick;
      if (tick === measureTick) startSnapshot = snapshot(true);
      // Open loop: never queue more than five ticks behind; beyond that, skip the tick as the simulator does.
      if (requestsPerTick > 0 && queue.length > 5 * requestsPerTick) {
        if (measured) skippedTicks++;
        return;
      }
      let requests = 0;
      let records = 0;
      for (const op of operators) {
        const batch = buildOperatorBatch(op, tick, I, createPrng(hash32(`${o.seed}:${op.id}:${tick}`)), { fleet: operators });
        for (let i = 0; i < batch.records.length; i += o.recordsPerRequest) {
          const chunk = batch.records.slice(i, i + o.recordsPerRequest);
          const sites = new Set(chunk.map((r) => r.siteId));
          queue.push({
            tick, operatorId: op.id, body: JSON.stringify({ records: chunk }), records: chunk.length,
            cells: chunk.filter((r) => r.type === 'cell').length, gpus: chunk.filter((r) => r.type === 'gpu').length,
            partitions: [...new Set([...sites].map((s) => partitionOf.get(s)!))], measured,
          });
          requests++;
          records += chunk.length;
        }
      }
      requestsPerTick = requests;
      recordsPerTick = records;
      wake();
    };

    const ticker = (async () => {
      for (let tick = firstTick; tick < endTick; tick += I) {
        const wait = tick - wallNow();
        if (wait > 0) await sleep(wait);
        onTick(tick);
      }
      ticking = false;
      wake();
    })();

    const worker = async () => {
      for (;;) {
        const job = queue.shift();
        if (!job) {
          if (!ticking) return;
          await new Promise<void>((resolve) => waiting.push(resolve));
          continue;
        }
        const sentAt = wallNow();
        if (job.measured) dispatchDelays.push(sentAt - job.tick);
        let ok = false;
        let accepted = 0;
        let rejected = 0;
        let answeredAt = sentAt;
        try {
          const response = await fetch(`${ingest.url}/v1/telemetry`, { method: 'POST', headers: { authorization: `Bearer ${keys.get(job.operatorId)}`, 'content-type': 'application/json' }, body: job.body });
          answeredAt = wallNow();
          const body = (await response.json().catch(() => ({}))) as { accepted?: number; rejected?: number };
          ok = response.status === 202;
          accepted = ok ? Number(body.accepted ?? 0) : 0;
          rejected = ok ? Number(body.rejected ?? 0) : 0;
        } catch {
          answeredAt = wallNow();
        }
        if (ok) acceptedSoFar += accepted;
        sent.push({ tick: job.tick, records: job.records, cells: job.cells, gpus: job.gpus, partitions: job.partitions, measured: job.measured, sentAt, answeredAt, ok, accepted, rejected });
      }
    };

    let lastLag: LagReading | undefined;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const next = wallNow() + 1000;
        try {
          lastLag = await readLag();
          lagReadings.push(lastLag);
          await trackPostgres();
        } catch {
          // a table not created yet, a broker hiccup: the next reading will do
        }
        await sleep(Math.max(0, next - wallNow()));
      }
    })();

    const bar = setInterval(() => {
      const elapsed = Math.min(1, Math.max(0, (wallNow() - firstTick) / totalMs));
      const phase = wallNow() < measureTick ? `${label}: warm-up` : label;
      progress(phase, elapsed, `${acceptedSoFar.toLocaleString('en')} records, lag ${lastLag ? lastLag.load : '–'}`);
    }, 250);

    await Promise.all([ticker, ...Array.from({ length: o.concurrency }, worker)]);
    clearInterval(bar);
    const sendEnd = sent.reduce((latest, s) => (s.measured ? Math.max(latest, s.answeredAt) : latest), measureTick);

    // Drain: load and alerting apply what is left; the outbox is relayed; alerting reads the windows.
    const drainDeadline = wallNow() + o.drainTimeoutSeconds * 1000;
    let loadCaughtUpAt: number | undefined;
    let drainedAt: number | undefined;
    for (;;) {
      const lag = await readLag();
      const pending = Number((await db.query('SELECT count(*)::int AS n FROM load.outbox WHERE published_at IS NULL')).rows[0].n);
      if (lag.load === 0 && loadCaughtUpAt === undefined) loadCaughtUpAt = lag.at;
      if (lag.load === 0 && lag.alertingSamples === 0 && lag.alertingWindows === 0 && pending === 0) {
        drainedAt = lag.at;
        break;
      }
      if (wallNow() > drainDeadline) break;
      progress(`${label}: draining`, 1, `lag load ${lag.load}, alerting ${lag.alertingSamples}/${lag.alertingWindows}, outbox ${pending}`.padEnd(40));
      await sleep(200);
    }
    sampling = false;
    await sampler;
    const end = await snapshot();
    const start = (await startSnapshot) ?? end;
    const loadAvgEnd = loadAverage();
    if (drainedAt === undefined) notes.push(`not drained within ${o.drainTimeoutSeconds} s after the last tick`);
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
    const during = lagReadings.filter((r) => r.at >= measureTick && r.at <= sendEnd);
    const telemetryMessagesPerTick = during.length >= 2 ? (during.at(-1)!.telemetryEnd - during[0].telemetryEnd) / Math.max(1, (during.at(-1)!.at - during[0].at) / I) : requestsPerTick;
    const cells = operators.reduce((n, op) => n + op.sites.reduce((m, s) => m + s.cells.length, 0), 0);
    const lag: ConsumerLag[] = [
      trend(`load (${isolation.topicPrefix}airan-load) on airan.telemetry.v1`, during.map((r) => r.load), Math.ceil(telemetryMessagesPerTick)),
      trend('alerting samples group on airan.telemetry.v1', during.map((r) => r.alertingSamples), Math.ceil(telemetryMessagesPerTick)),
      trend('alerting windows group on airan.cell-load.v1', during.map((r) => r.alertingWindows), cells),
    ];

    // No loss: the samples tables against what ingest accepted (warm-up included; the probe heartbeats are not samples).
    const count = async (table: string) => Number((await db.query(`SELECT count(*)::bigint AS n FROM ${table}`)).rows[0].n);
    const [storedCellSamples, storedGpuSamples] = [await count('load.cell_samples'), await count('load.gpu_samples')];
    const okSent = sent.filter((s) => s.ok && s.rejected === 0);
    const acceptedCellSamples = okSent.reduce((n, s) => n + s.cells, 0);
    const acceptedGpuSamples = okSent.reduce((n, s) => n + s.gpus, 0);
    const recordsInFailedRequests = sent.filter((s) => !s.ok).reduce((n, s) => n + s.records, 0);
    if (sent.some((s) => s.ok && s.rejected > 0)) notes.push(`${sent.filter((s) => s.rejected > 0).length} requests had rejected records: their samples are left out of the loss check`);

    // Windows: the close instant of window [W, W+L) of a site's cell is the earliest 202 of a request
    // carrying a record of a site on the same telemetry partition stamped ≥ W + L + out-of-order delay
    // (the first record that can move that partition's watermark to the window's end).
    const byPartition = new Map<number, Map<number, { answered: number; sent: number }>>();
    for (const s of sent) {
      if (!s.ok) continue;
      for (const p of s.partitions) {
        const ticks = byPartition.get(p) ?? new Map<number, { answered: number; sent: number }>();
        byPartition.set(p, ticks);
        const seen = ticks.get(s.tick);
        ticks.set(s.tick, { answered: Math.min(seen?.answered ?? Infinity, s.answeredAt), sent: Math.min(seen?.sent ?? Infinity, s.sentAt) });
      }
    }
    const closers = new Map<number, { ticks: number[]; answered: number[]; sent: number[] }>();
    for (const [p, ticks] of byPartition) {
      const sorted = [...ticks.keys()].sort((a, b) => a - b);
      const answered = sorted.map((t) => ticks.get(t)!.answered);
      const sentAt = sorted.map((t) => ticks.get(t)!.sent);
      for (let i = sorted.length - 2; i >= 0; i--) {
        answered[i] = Math.min(answered[i], answered[i + 1]);
        sentAt[i] = Math.min(sentAt[i], sentAt[i + 1]);
      }
      closers.set(p, { ticks: sorted, answered, sent: sentAt });
    }
    const closeOf = (siteId: string, windowStart: number): { answered: number; sent: number } | undefined => {
      const c = closers.get(partitionOf.get(siteId) ?? -1);
      if (!c) return undefined;
      const due = windowStart + o.windowMs + o.outOfOrderMs;
      let lo = 0;
      let hi = c.ticks.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (c.ticks[mid] >= due) hi = mid;
        else lo = mid + 1;
      }
      return lo < c.ticks.length ? { answered: c.answered[lo], sent: c.sent[lo] } : undefined;
    };

    const rows: Array<{ cell_id: string; site_id: string; start_ms: string; end_ms: string; revision: number; closed_ms: string }> = (
      await db.query(`SELECT cell_id, site_id, extract(epoch FROM window_start) * 1000 AS start_ms, extract(epoch FROM window_end) * 1000 AS end_ms, revision, extract(epoch FROM closed_at) * 1000 AS closed_ms FROM load.cell_windows`)
    ).rows;
    const kafkaTimes = await firstEmissions(kafka, topics.cellLoad);
    const toPostgres: number[] = [];
    const toKafka: number[] = [];
    const fromSend: number[] = [];
    const kafkaAfterPostgres: number[] = [];
    const fromWindowEnd: number[] = [];
    let measuredWindows = 0;
    for (const r of rows) {
      const windowStart = Number(r.start_ms);
      const close = closeOf(r.site_id, windowStart);
      if (!close || close.answered < measureTick || close.answered > sendEnd) continue;
      measuredWindows++;
      const kafkaAt = kafkaTimes.get(`${r.cell_id}|${new Date(windowStart).toISOString()}`);
      if (kafkaAt !== undefined) toKafka.push(kafkaAt - close.answered);
      if (r.revision !== 0) continue; // closed_at is the latest revision's
      const closedAt = Number(r.closed_ms);
      toPostgres.push(closedAt - close.answered);
      fromSend.push(closedAt - close.sent);
      fromWindowEnd.push(closedAt - Number(r.end_ms));
      if (kafkaAt !== undefined) kafkaAfterPostgres.push(kafkaAt - closedAt);
    }
    const stillOpen = Number((await db.query('SELECT count(*)::int AS n FROM load.open_windows')).rows[0].n);
    const tooLateSamples = await metricTotal(load.url, 'airan_load_too_late_samples_total');
    const alertEvents = await endOf(topics.alerts);

    // CPU and memory per process over the measured interval.
    const intervalSeconds = (end.at - start.at) / 1000;
    const perMillion = (cpu: number) => (acceptedRecords > 0 ? (cpu / acceptedRecords) * 1e6 : NaN);
    const usage = (name: string, cpu: number, pid?: number, note?: string): ServiceUsage => ({
      name, pid, cpuSeconds: cpu, cpuPercent: (cpu / intervalSeconds) * 100, cpuSecondsPerMillionRecords: perMillion(cpu),
      ...(pid !== undefined ? { peakRssMb: peakRssMbOf(pid) } : {}), ...(note ? { note } : {}),
    });
    const servicesUsage: ServiceUsage[] = named.map(([name, pid]) => usage(name, ((end.ticks.get(name) ?? NaN) - (start.ticks.get(name) ?? NaN)) / CLK_TCK, pid, name.startsWith('kafka') ? 'shared with every other user of the broker' : undefined));
    let pgTicks = 0;
    for (const { start: first, last } of postgres.values()) pgTicks += last - first;
    servicesUsage.push(usage(`postgres (${postgres.size} backends of this database)`, pgTicks / CLK_TCK));
    const benchCpu = (end.bench.user - start.bench.user + end.bench.system - start.bench.system) / 1e6;
    servicesUsage.push({ ...usage('bench driver (generator + HTTP client)', benchCpu), peakRssMb: process.resourceUsage().maxRSS / 1024 });
    const total = end.machine.total - start.machine.total;
    const cores = total / CLK_TCK / intervalSeconds;
    const busyCores = (end.machine.busy - start.machine.busy) / CLK_TCK / intervalSeconds;
    const thisRunCores = servicesUsage.filter((u) => !u.name.startsWith('kafka')).reduce((n, u) => n + (Number.isFinite(u.cpuSeconds) ? u.cpuSeconds : 0), 0) / intervalSeconds;
    const machine = {
      cores: Math.round(cores),
      busyPercent: ((end.machine.busy - start.machine.busy) / total) * 100,
      iowaitPercent: ((end.machine.iowait - start.machine.iowait) / total) * 100,
      busyCores,
      thisRunCores,
      otherCores: busyCores - thisRunCores,
    };

    const sites = operators.reduce((n, op) => n + op.sites.length, 0);
    const gpus = operators.reduce((n, op) => n + op.sites.reduce((m, s) => m + s.gpuNode.devices.length, 0), 0);
    return {
      phase: `pipeline: ${o.operators} operators × ${o.sitesPerOperator} sites × ${o.cellsPerSite} cells`,
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
        measured: measuredWindows,
        closed: rows.length,
        revised: rows.filter((r) => r.revision > 0).length,
        stillOpen,
        tooLateSamples,
        toPostgres: figures('202 of the closing request → load.cell_windows.closed_at', toPostgres),
        toKafka: figures('202 of the closing request → Kafka timestamp on airan.cell-load.v1', toKafka),
        also: [
          figures('closing request sent → load.cell_windows.closed_at', fromSend),
          figures('closed_at → Kafka timestamp on airan.cell-load.v1', kafkaAfterPostgres),
          figures('window end (event time = wall time) → closed_at', fromWindowEnd),
        ],
      },
      alertEvents,
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

/** First third against last third of the readings. */
function trend(consumer: string, series: number[], tolerance: number): ConsumerLag {
  const third = Math.max(1, Math.floor(series.length / 3));
  const mean = (xs: number[]) => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
  const firstThirdMean = mean(series.slice(0, third));
  const lastThirdMean = mean(series.slice(-third));
  return { consumer, series, firstThirdMean, lastThirdMean, max: Math.max(0, ...series), grew: lastThirdMean - firstThirdMean > tolerance, tolerance };
}

/** Kafka timestamp (CreateTime, set by load's outbox relay) of each window's revision-0 event, keyed `cellId|windowStart`. */
async function firstEmissions(kafka: Kafka, topic: string): Promise<Map<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
  await admin.disconnect();
  const times = new Map<string, number>();
  const next = new Map<number, number>();
  const consumer = kafka.consumer({ groupId: `bench-pipeline-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          const value = JSON.parse(message.value?.toString() ?? '{}') as { cellId?: string; windowStart?: string; revision?: number };
          if (value.revision === 0 && value.cellId && value.windowStart) {
            const key = `${value.cellId}|${new Date(value.windowStart).toISOString()}`;
            const at = Number(message.timestamp);
            if (!times.has(key) || at < times.get(key)!) times.set(key, at);
          }
          next.set(batch.partition, Number(message.offset) + 1);
        }
      },
    });
    await eventually(async () => {
      for (const [partition, end] of ends) if ((next.get(partition) ?? 0) < end) throw new Error(`${topic}[${partition}] read to ${next.get(partition) ?? 0} of ${end}`);
    }, 120_000, 100);
    return times;
  } finally {
    await consumer.disconnect();
  }
}

/** The local broker's pid, from `deploy/local/kafka.sh status` (undefined when it runs elsewhere). */
async function brokerPid(): Promise<number | undefined> {
  const root = join(__dirname, '../../..');
  try {
    const { stdout } = await run('bash', [join(root, 'deploy/local/kafka.sh'), 'status']);
    const pid = Number(/\(pid (\d+)/.exec(stdout)?.[1]);
    return Number.isFinite(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
