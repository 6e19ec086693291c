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
