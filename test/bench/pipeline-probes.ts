import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Admin } from 'kafkajs';
import type { Client } from 'pg';
import type { ServiceProcess } from '../support/service-process';
import { sleep } from './alert-common';
import { wallNow } from './alert-receiver';
import { cpuTicksOf, machineCpuTicks } from './proc-usage';

// What the pipeline bench reads while it runs: consumer lag, and CPU of every process it involves.

export interface LagReading {
  readonly at: number;
  readonly telemetryEnd: number;
  readonly cellLoadEnd: number;
  readonly load: number;
  readonly alertingSamples: number;
  readonly alertingWindows: number;
}

export interface CpuSnapshot {
  readonly at: number;
  readonly ticks: Map<string, number>;
  readonly bench: NodeJS.CpuUsage;
  readonly machine: ReturnType<typeof machineCpuTicks>;
}

const run = promisify(execFile);

/** Lag: topic end offsets − offsets stored beside the state (a partition with none stored yet counts from 0). */
export function lagProbe(admin: Admin, db: Client, topics: { readonly telemetry: string; readonly cellLoad: string }) {
  const endOf = async (topic: string) => (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
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
  return { endOf, readLag };
}

/** CPU: the services (instances of one app numbered), Postgres backends connected to this run's database, the broker (shared), the bench itself. */
export async function cpuProbe(services: readonly ServiceProcess[], db: Client) {
  const instancesOf = (app: string) => services.filter((s) => s.app === app);
  const named: Array<[string, number]> = services.map((s) => {
    const peers = instancesOf(s.app);
    return [peers.length > 1 ? `${s.app} ${peers.indexOf(s) + 1}` : s.app, s.pid];
  });
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
  return { named, postgres, trackPostgres, snapshot };
}

/** Reads the lag (and follows the Postgres backends) every second until `stop`. */
export function startLagSampler(readLag: () => Promise<LagReading>, trackPostgres: () => Promise<void>) {
  const readings: LagReading[] = [];
  let lastLag: LagReading | undefined;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const next = wallNow() + 1000;
      try {
        lastLag = await readLag();
        readings.push(lastLag);
        await trackPostgres();
      } catch {
        // a table not created yet, a broker hiccup: the next reading will do
      }
      await sleep(Math.max(0, next - wallNow()));
    }
  })();
  return {
    readings,
    last: () => lastLag,
    stop: async () => {
      sampling = false;
      await sampler;
    },
  };
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

/** One statement's share of this run's database time (pg_stat_statements). */
export interface StatementCost {
  readonly seconds: number;
  readonly calls: number;
  readonly rows: number;
  readonly query: string;
}

/**
 * Postgres executor time by statement over the measured interval and the drain, when the server preloads
 * pg_stat_statements (`shared_preload_libraries`; optional, docs/performance.md): `start` clears this
 * database's entries, `top` reads the costliest. Null when the server does not load it.
 */
export async function statementProbe(db: Client) {
  const loaded = (await db.query(`SELECT 'pg_stat_statements' = ANY(regexp_split_to_array(current_setting('shared_preload_libraries'), '\\s*,\\s*')) AS loaded`)).rows[0].loaded as boolean;
  if (loaded) await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  const thisDatabase = '(SELECT oid FROM pg_database WHERE datname = current_database())';
  return {
    start: async () => {
      if (loaded) await db.query(`SELECT pg_stat_statements_reset(0, ${thisDatabase}, 0)`);
    },
    top: async (count: number): Promise<StatementCost[] | null> => {
      if (!loaded) return null;
      const { rows } = await db.query(
        `SELECT total_exec_time / 1000 AS seconds, calls, rows, regexp_replace(query, '\\s+', ' ', 'g') AS query
         FROM pg_stat_statements WHERE dbid = ${thisDatabase} AND query NOT LIKE '%pg_stat_statements%' ORDER BY total_exec_time DESC LIMIT $1`,
        [count],
      );
      return rows.map((r) => ({ seconds: Number(r.seconds), calls: Number(r.calls), rows: Number(r.rows), query: r.query as string }));
    },
  };
}
