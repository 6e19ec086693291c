import { readFileSync, readdirSync } from 'node:fs';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { TELEMETRY_SCHEMA, type TelemetryReport } from '@airan/contracts';
import { deleteTopics } from '../support/load-driver';
import { ServiceProcess, dropDatabase, isolate } from '../support/stack';
import { CLK_TCK, cpuTicksOf, machineCpuTicks, peakRssMbOf } from './proc-usage';

export interface LoadBenchResult {
  readonly phase: string;
  readonly cells: number;
  readonly samples: number;
  readonly seconds: number;
  readonly samplesPerSec: number;
  /** Messages produced but not yet applied, sampled through the run: flat or falling means keeping up. */
  readonly lagSamples: number[];
  readonly windowsClosed: number;
  readonly peakRssMb: number;
  /** Seconds until the outbox was relayed too (every cell-load event on Kafka), from the same start. */
  readonly relayedSeconds?: number;
  /** CPU seconds (user + system) the load process spent, start-up included. */
  readonly cpuSeconds?: number;
  /** CPU seconds of the Postgres backends serving the load process (its pool and the relay's listener) at the end. */
  readonly pgCpuSeconds?: number;
  /** What the load's Postgres backends were seen doing (see BackendWatch), most frequent first. */
  readonly pgActivity?: ReadonlyArray<{ share: number; what: string }>;
  /** Share of the machine's CPU time (all cores, every process) that was busy during the run, 0–1. */
  readonly machineBusy?: number;
  /** Busy CPU seconds of the whole machine during the run, and of the Kafka broker and this bench process (the producer). */
  readonly machineBusySeconds?: number;
  readonly brokerCpuSeconds?: number;
  readonly benchCpuSeconds?: number;
  /** Wall seconds per step of the batch transaction (`airan_load_step_seconds_total`), summed over partitions. */
  readonly steps?: Record<string, number>;
}

export interface LoadBenchOptions {
  /** NODE_OPTIONS of the load process only (e.g. `--require …/profile-preload.js`); default `BENCH_LOAD_NODE_OPTIONS`. */
  readonly nodeOptions?: string;
  /** Extra environment of the load process (LOAD_* settings). */
  readonly env?: Record<string, string>;
  /** How often the load's Postgres backends are looked at (pg_stat_activity); default 500 ms. */
  readonly pgSampleMs?: number;
}

const CELLS_PER_SITE = 10;

/**
 * The load service alone on the real broker and Postgres: `cells` distinct cells (10 per site, not in
 * the registry, so default allocation) each report one sample per 60 s window for `rounds` windows; a
 * final heartbeat per site closes the last. Produced straight to the telemetry topic as ingest would.
 * The default 5 s out-of-order delay lets every site of a round arrive before the round's windows close
 * (with 0 every site after the first in a partition would be late and revise its window).
 *
 * `BENCH_LOAD_NODE_OPTIONS` is handed to the load process alone as NODE_OPTIONS, so it can be profiled
 * (`--require dist/test/bench/profile-preload.js` with BENCH_CPU_PROFILE=<file>; see load-profile.ts) without profiling the bench.
 */
export async function benchLoad(cells: number, rounds: number, progress: (done: number) => void, options: LoadBenchOptions = {}): Promise<LoadBenchResult> {
  const isolation = isolate();
  const nodeOptions = options.nodeOptions ?? process.env.BENCH_LOAD_NODE_OPTIONS;
  const env = {
    ...isolation.env,
    LOG_LEVEL: 'error',
    LOAD_WINDOW_MS: '60000',
    LOAD_OUT_OF_ORDER_MS: '5000',
    ...options.env,
    ...(nodeOptions ? { NODE_OPTIONS: [process.env.NODE_OPTIONS, options.env?.NODE_OPTIONS, nodeOptions].filter(Boolean).join(' ') } : {}),
  };
  const load = await ServiceProcess.start('load', env);
  // A load process that dies mid-run would leave the bench waiting for a lag that never drains.
  let exited: number | null | undefined;
  void load.exitCode().then((code) => (exited = code));
  const alive = () => {
    if (exited !== undefined) throw new Error(`load exited with ${exited} during the bench:\n${load.logs.slice(-4000)}`);
  };
  const kafka = new Kafka({ clientId: 'airan-bench', brokers: env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const db = new Client({ connectionString: isolation.databaseUrl });
  await db.connect();
  const topic = `${isolation.topicPrefix}airan.telemetry.v1`;
  const sites = Math.ceil(cells / CELLS_PER_SITE);
  const base = Date.UTC(2026, 10, 1);
  const applied = async () => Number((await db.query('SELECT coalesce(sum(next_offset), 0)::bigint AS n FROM load.consumer_offsets')).rows[0].n);
  const benchBackend = Number((await db.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
  const backends = BackendWatch.start(isolation.databaseUrl, options.pgSampleMs ?? 500, [benchBackend]);
  try {
    const machineBefore = machineCpuTicks();
    const broker = brokerPid();
    const brokerBefore = broker === undefined ? undefined : cpuTicksOf(broker);
    const benchBefore = process.cpuUsage();
    const started = performance.now();
    let produced = 0;
    const lagSamples: number[] = [];
    for (let round = 0; round <= rounds; round++) {
      const ts = base + (round + 1) * 60_000;
      const messages = Array.from({ length: sites }, (_, s) => {
        const siteId = `bench-site-${s}`;
        const report: TelemetryReport = {
          schema: TELEMETRY_SCHEMA, id: `${s}-${round}`, operatorId: 'bench', siteId, keyId: 'bench', receivedAt: ts,
          // The last round carries only heartbeats: it moves event time past the last window.
          cells: round === rounds ? [] : Array.from({ length: CELLS_PER_SITE }, (_, c) => ({
            cellId: `${siteId}-c${c}`, ts, intervalMs: 60_000, prbDlPct: 41.5, thpDlMbps: 310.5, rrcConnectedUes: 120, inferenceRequests: 14, inferenceTokens: 5200, gpuMs: 220.5,
          })),
          gpus: [], heartbeats: [ts],
        };
        return { key: siteId, value: JSON.stringify(report) };
      });
      for (let i = 0; i < messages.length; i += 1000) {
        await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 1000) });
        produced += Math.min(1000, messages.length - i);
      }
      lagSamples.push(produced - (await applied()));
      progress((round + 1) / (rounds + 2));
    }
    for (;;) {
      alive();
      const lag = produced - (await applied());
      if (lag === 0) break;
      lagSamples.push(lag);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const seconds = (performance.now() - started) / 1000;
    const pending = async () => Number((await db.query('SELECT count(*)::int AS n FROM load.outbox WHERE published_at IS NULL')).rows[0].n);
    while ((await pending()) > 0) {
      alive();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const relayedSeconds = (performance.now() - started) / 1000;
    const machineAfter = machineCpuTicks();
    const machineBusy = (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total);
    const machineBusySeconds = (machineAfter.busy - machineBefore.busy) / CLK_TCK;
    const brokerAfter = broker === undefined ? undefined : cpuTicksOf(broker);
    const brokerCpuSeconds = brokerBefore === undefined || brokerAfter === undefined ? undefined : (brokerAfter - brokerBefore) / CLK_TCK;
    const benchUsage = process.cpuUsage(benchBefore);
    const benchCpuSeconds = (benchUsage.user + benchUsage.system) / 1e6;
    progress(1);
    const windows = Number((await db.query('SELECT count(*)::int AS n FROM load.cell_windows')).rows[0].n);
    const peakRssMb = peakRssMbOf(load.pid) ?? NaN;
    const cpuSeconds = (cpuTicksOf(load.pid) ?? NaN) / CLK_TCK;
    await backends.stop();
    const pgCpuSeconds = backends.cpuSeconds();
    const pgActivity = backends.profile();
    const steps = await stepSeconds(load.url);
    const samples = cells * rounds;
    // Ten evenly spaced readings are enough to see the trend.
    const step = Math.max(1, Math.ceil(lagSamples.length / 10));
    lagSamples.splice(0, lagSamples.length, ...lagSamples.filter((_, i) => i % step === 0 || i === lagSamples.length - 1));
    return {
      phase: `load: ${cells.toLocaleString('en')} cells × ${rounds} windows`, cells, samples, seconds, samplesPerSec: samples / seconds, lagSamples, windowsClosed: windows, peakRssMb,
      relayedSeconds, cpuSeconds, pgCpuSeconds, pgActivity, machineBusy, machineBusySeconds, brokerCpuSeconds, benchCpuSeconds, steps,
    };
  } finally {
    await backends.stop();
    await Promise.all([producer.disconnect(), db.end()]);
    await load.stop();
    await dropDatabase(isolation);
    await deleteTopics(isolation).catch(() => undefined);
  }
}

/** The local Kafka broker's process (deploy/local/kafka.sh runs `kafka.Kafka` in a JVM), if it runs on this machine. */
function brokerPid(): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('kafka.Kafka')) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/**
 * Watches the Postgres backends serving the load process (client backends of the bench's database other
 * than this watcher's and the bench's own) every `intervalMs`:
 * - their CPU time: each one's utime + stime from /proc (readable as root or as the postgres user; 0
 *   otherwise); a backend's last reading counts, so one that ends early still counts;
 * - what they are doing: how often each statement (its first words) was seen active or waiting, a
 *   sampling profile of the database side (pg_stat_statements needs a server restart; this does not).
 */
class BackendWatch {
  private readonly last = new Map<number, number>();
  private readonly activity = new Map<string, number>();
  private observations = 0;
  private stopped = false;
  private loop?: Promise<void>;

  private constructor(
    private readonly db: Client,
    private readonly intervalMs: number,
    /** Backends of the bench's own connections (its lag and outbox polling), not the load's. */
    private readonly ignore: readonly number[],
  ) {}

  static start(url: string, intervalMs: number, ignore: readonly number[]): BackendWatch {
    const watch = new BackendWatch(new Client({ connectionString: url }), intervalMs, ignore);
    watch.loop = watch.run();
    return watch;
  }

  private async run(): Promise<void> {
    await this.db.connect();
    let lastCpu = 0;
    try {
      while (!this.stopped) {
        const { rows } = await this.db.query(
          `SELECT pid, state, wait_event_type, wait_event, left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS query
           FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND pid <> ALL($1::int[]) AND backend_type = 'client backend'`,
          [this.ignore],
        );
        this.observations++;
        for (const r of rows as Array<{ pid: number; state: string; wait_event_type: string | null; wait_event: string | null; query: string }>) {
          if (r.state === 'active') {
            const what = `${r.wait_event_type ? `wait ${r.wait_event_type}:${r.wait_event}` : 'cpu'} | ${r.query}`;
            this.activity.set(what, (this.activity.get(what) ?? 0) + 1);
          }
        }
        if (Date.now() - lastCpu >= 500) {
          lastCpu = Date.now();
          for (const { pid } of rows as Array<{ pid: number }>) {
            const ticks = cpuTicksOf(pid); // undefined once it has ended, or if /proc/<pid> is not ours to read
            if (ticks !== undefined) this.last.set(pid, ticks / CLK_TCK);
          }
        }
        await new Promise((resolve) => setTimeout(resolve, this.intervalMs));
      }
    } finally {
      await this.db.end();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop?.catch(() => undefined);
  }

  cpuSeconds(): number {
    return [...this.last.values()].reduce((a, b) => a + b, 0);
  }

  /** Statements by share of observations in which a backend ran them (1 = one backend busy all along). */
  profile(top = 15): Array<{ share: number; what: string }> {
    return [...this.activity]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([what, n]) => ({ share: Math.round((1000 * n) / Math.max(1, this.observations)) / 1000, what }));
  }
}

/** The load service's per-step wall time counter, if it has one. */
async function stepSeconds(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^airan_load_step_seconds_total\{step="([^"]+)"\} ([\d.e+-]+)$/gm)) out[m[1]] = Number(m[2]);
  return out;
}
