import { readFileSync, readdirSync } from 'node:fs';
import { type Admin, Kafka, Partitioners, type Producer } from 'kafkajs';
import { testKafka } from '../support/test-kafka';
import { Client } from 'pg';
import { type TopicNames, topicNames } from '@airan/contracts';
import { ensureTopics } from '@airan/kafka';
import { deleteTopics } from '../support/kafka-test-tools';
import { metricByLabel } from '../support/metrics';
import { ServiceProcess } from '../support/service-process';
import { type Isolation, dropDatabase, isolate } from '../support/stack';
import { BackendWatch } from './backend-watch';
import { type BenchSite, CELLS_PER_SITE, GPUS_PER_NODE, type KafkaMessage, SAMPLE_INTERVAL_MS, benchSites, registryMessages, siteReport } from './load-fleet';
import { peakRssMbOf } from '../support/process-stats';
import { CLK_TCK, cpuTicksOf, machineCpuTicks } from './proc-usage';

export interface LoadBenchOptions {
  /** NODE_OPTIONS of the load process only (e.g. `--require …/profile-preload.js`); default `BENCH_LOAD_NODE_OPTIONS`. */
  readonly nodeOptions?: string;
  /** Extra environment of the load process (LOAD_* settings). */
  readonly env?: Record<string, string>;
  /** How often the load's Postgres backends are looked at (pg_stat_activity); default 500 ms. */
  readonly pgSampleMs?: number;
}

/** What the run has used so far, read at one instant: differences of two readings are what happened in between. */
export interface Usage {
  /** performance.now() of the reading. */
  readonly at: number;
  /** CPU seconds (user + system) of the load process, of its Postgres backends, of the Kafka broker (if local) and of this bench process (the producer). */
  readonly load: number;
  readonly postgres: number;
  readonly broker?: number;
  readonly bench: number;
  /** Machine-wide busy and total CPU time, clock ticks. */
  readonly machineBusy: number;
  readonly machineTotal: number;
}

const DAY_MS = 86_400_000;
/**
 * Values per send, in bytes. Reports go in partition order, so a chunk usually lands on one partition as one
 * record batch, which must stay under the broker's message limit (1 MB by default): 1,000 reports of 10 cells
 * (2.5 MB) were refused.
 */
const SEND_BYTES = 512 * 1024;

/** Consecutive runs of messages whose values add up to at most SEND_BYTES (a larger message goes alone). */
function* sendChunks(messages: readonly KafkaMessage[]): Generator<KafkaMessage[]> {
  let chunk: KafkaMessage[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = Buffer.byteLength(m.value ?? '');
    if (chunk.length > 0 && bytes + size > SEND_BYTES) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(m);
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
}

/**
 * The load service alone on the real broker and Postgres, with an isolated database and topic prefix,
 * and the bench fleet (load-fleet.ts) in its registry: the registry events are produced straight to
 * the run's `airan.registry.v1` before load starts, so load has read them all once it is ready.
 * Telemetry is produced straight to `airan.telemetry.v1` as ingest would (key = siteId, acks=all).
 *
 * The telemetry is an endless sequence of site reports, round after round: in round k every site
 * reports one sample per cell and per GPU device, stamped k + 1 sample intervals after the start of
 * yesterday (UTC), so each round closes the previous round's windows. Within a round the sites are
 * ordered by their telemetry partition, so the partitions cross into the next window one after the
 * other rather than all at once: window closes are spread over the round instead of piling up at its start.
 *
 * `BENCH_LOAD_NODE_OPTIONS` is handed to the load process alone as NODE_OPTIONS, so it can be profiled
 * (`--require dist/test/bench/profile-preload.js` with BENCH_CPU_PROFILE=<file>; see load-profile.ts) without profiling the bench.
 */
export class LoadBenchSession {
  /** Messages Kafka acknowledged so far. */
  produced = 0;
  private exited: number | null | undefined;

  private constructor(
    private readonly isolation: Isolation,
    private readonly topics: TopicNames,
    readonly sites: readonly BenchSite[],
    /** The sites in the order they report within a round (by telemetry partition). */
    private readonly order: readonly BenchSite[],
    readonly registryEvents: number,
    /** Seconds to produce the registry, and from spawning load until it was ready (registry read included). */
    readonly registrySeconds: number,
    readonly loadReadySeconds: number,
    readonly load: ServiceProcess,
    private readonly admin: Admin,
    private readonly producer: Producer,
    private readonly db: Client,
    readonly backends: BackendWatch,
    private readonly broker: number | undefined,
    private readonly base: number,
  ) {
    // A load process that dies mid-run would leave the bench waiting for a lag that never drains.
    void load.exitCode().then((code) => (this.exited = code));
  }

  static async open(cells: number, options: LoadBenchOptions = {}): Promise<LoadBenchSession> {
    const isolation = isolate();
    const topics = topicNames(isolation.topicPrefix);
    const nodeOptions = options.nodeOptions ?? process.env.BENCH_LOAD_NODE_OPTIONS;
    const env = {
      ...isolation.env,
      LOG_LEVEL: 'error',
      LOAD_WINDOW_MS: String(SAMPLE_INTERVAL_MS),
      LOAD_OUT_OF_ORDER_MS: '5000',
      ...options.env,
      ...(nodeOptions ? { NODE_OPTIONS: [process.env.NODE_OPTIONS, options.env?.NODE_OPTIONS, nodeOptions].filter(Boolean).join(' ') } : {}),
    };
    const kafka = testKafka('airan-bench', env.KAFKA_BROKERS.split(','));
    const admin = kafka.admin();
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    const db = new Client({ connectionString: isolation.databaseUrl });
    let load: ServiceProcess | undefined;
    try {
      await admin.connect();
      await ensureTopics(admin, isolation.topicPrefix, 1);
      const partitionMetadata = await admin.fetchTopicMetadata({ topics: [topics.telemetry] });
      const sites = benchSites(cells);
      // The partition ingest's producer (kafkajs' default, Java-compatible murmur2) puts each site on.
      const partitioner = Partitioners.DefaultPartitioner();
      const partitionOf = new Map(sites.map((s) => [s.id, partitioner({ topic: topics.telemetry, partitionMetadata: partitionMetadata.topics[0].partitions, message: { key: s.id, value: null } })]));
      const order = sites.map((s, i) => ({ s, i, p: partitionOf.get(s.id)! })).sort((a, b) => a.p - b.p || a.i - b.i).map((x) => x.s);

      await producer.connect();
      const registryStarted = performance.now();
      const registry = registryMessages(sites);
      for (const chunk of sendChunks(registry)) await producer.send({ topic: topics.registry, acks: -1, messages: chunk });
      const registrySeconds = (performance.now() - registryStarted) / 1000;

      const loadStarted = performance.now();
      load = await ServiceProcess.start('load', env);
      const loadReadySeconds = (performance.now() - loadStarted) / 1000;

      await db.connect();
      const benchBackend = Number((await db.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
      const backends = BackendWatch.start(isolation.databaseUrl, options.pgSampleMs ?? 500, [benchBackend]);
      const base = Math.floor(Date.now() / DAY_MS) * DAY_MS - DAY_MS;
      return new LoadBenchSession(isolation, topics, sites, order, registry.length, registrySeconds, loadReadySeconds, load, admin, producer, db, backends, brokerPid(), base);
    } catch (error) {
      await cleanUp(isolation, admin, producer, db, load);
      throw error;
    }
  }

  get cells(): number {
    return this.sites.length * CELLS_PER_SITE;
  }

  get gpus(): number {
    return this.sites.length * GPUS_PER_NODE;
  }

  /** The `index`-th message of the telemetry sequence (round = index ÷ sites). */
  message(index: number): KafkaMessage {
    const round = Math.floor(index / this.order.length);
    return siteReport(this.order[index % this.order.length], round, this.stampOf(round));
  }

  /** A heartbeat from every site at round `round`'s time: closes the windows of the rounds before it. */
  heartbeats(round: number): KafkaMessage[] {
    return this.order.map((site) => siteReport(site, round, this.stampOf(round), true));
  }

  /** Sends in chunks; resolves once Kafka holds them all. */
  async produce(messages: readonly KafkaMessage[]): Promise<void> {
    for (const chunk of sendChunks(messages)) {
      await this.producer.send({ topic: this.topics.telemetry, acks: -1, messages: chunk });
      this.produced += chunk.length;
    }
  }

  /**
   * The consumer group's lag in messages: the telemetry topic's end offsets less the offsets load stored
   * in Postgres with what it applied (the ones it commits to Kafka trail them: they are for monitoring).
   */
  async lag(): Promise<number> {
    const [end, applied] = await Promise.all([this.admin.fetchTopicOffsets(this.topics.telemetry), this.applied()]);
    return end.reduce((sum, p) => sum + Number(p.high), 0) - applied;
  }

  /** Messages load has applied: the sum of the offsets it stored. */
  applied(): Promise<number> {
    return this.count('SELECT coalesce(sum(next_offset), 0)::bigint AS n FROM load.consumer_offsets');
  }

  /** cell-load events written to load's outbox and not yet relayed to Kafka. */
  pendingOutbox(): Promise<number> {
    return this.count('SELECT count(*)::bigint AS n FROM load.outbox WHERE published_at IS NULL');
  }

  /** A `SELECT … AS n` on the run's database (constant SQL only). */
  async count(sql: string): Promise<number> {
    this.alive();
    return Number((await this.db.query(sql)).rows[0].n);
  }

  usage(): Usage {
    const machine = machineCpuTicks();
    const broker = this.broker === undefined ? undefined : cpuTicksOf(this.broker);
    const bench = process.cpuUsage();
    return {
      at: performance.now(),
      load: (cpuTicksOf(this.load.pid) ?? NaN) / CLK_TCK,
      postgres: this.backends.cpuSeconds(),
      ...(broker === undefined ? {} : { broker: broker / CLK_TCK }),
      bench: (bench.user + bench.system) / 1e6,
      machineBusy: machine.busy,
      machineTotal: machine.total,
    };
  }

  /** Peak resident memory of the load process so far (VmHWM), MiB. */
  peakRssMb(): number {
    return peakRssMbOf(this.load.pid) ?? NaN;
  }

  /** A counter of the load service's /metrics by its only label. */
  metric(name: string): Promise<Record<string, number>> {
    return metricByLabel(this.load.url, name);
  }

  alive(): void {
    if (this.exited !== undefined) throw new Error(`load exited with ${this.exited} during the bench:\n${this.load.logs.slice(-4000)}`);
  }

  async close(): Promise<void> {
    await this.backends.stop();
    await cleanUp(this.isolation, this.admin, this.producer, this.db, this.load);
  }

  private stampOf(round: number): number {
    return this.base + (round + 1) * SAMPLE_INTERVAL_MS;
  }
}

async function cleanUp(isolation: Isolation, admin: Admin, producer: Producer, db: Client, load: ServiceProcess | undefined): Promise<void> {
  await Promise.all([admin.disconnect().catch(() => undefined), producer.disconnect().catch(() => undefined), db.end().catch(() => undefined)]);
  await load?.stop();
  await dropDatabase(isolation);
  await deleteTopics(isolation).catch(() => undefined);
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
