import { readFileSync } from 'node:fs';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { TELEMETRY_SCHEMA, type TelemetryReport } from '@airan/contracts';
import { ServiceProcess, dropDatabase, isolate } from '../support/stack';

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
}

const CELLS_PER_SITE = 10;

/**
 * The load service alone on the real broker and Postgres: `cells` distinct cells (10 per site, not in
 * the registry, so default allocation) each report one sample per 60 s window for `rounds` windows; a
 * final heartbeat per site closes the last. Produced straight to the telemetry topic as ingest would.
 * The default 5 s out-of-order delay lets every site of a round arrive before the round's windows close
 * (with 0 every site after the first in a partition would be late and revise its window).
 */
export async function benchLoad(cells: number, rounds: number, progress: (done: number) => void): Promise<LoadBenchResult> {
  const isolation = isolate();
  const env = { ...isolation.env, LOG_LEVEL: 'error', LOAD_WINDOW_MS: '60000', LOAD_OUT_OF_ORDER_MS: '5000' };
  const load = await ServiceProcess.start('load', env);
  const kafka = new Kafka({ clientId: 'airan-bench', brokers: env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const db = new Client({ connectionString: isolation.databaseUrl });
  await db.connect();
  const topic = `${isolation.topicPrefix}airan.telemetry.v1`;
  const sites = Math.ceil(cells / CELLS_PER_SITE);
  const base = Date.UTC(2026, 10, 1);
  const applied = async () => Number((await db.query('SELECT coalesce(sum(next_offset), 0)::bigint AS n FROM load.consumer_offsets')).rows[0].n);
  try {
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
      const lag = produced - (await applied());
      if (lag === 0) break;
      lagSamples.push(lag);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const seconds = (performance.now() - started) / 1000;
    progress(1);
    const windows = Number((await db.query('SELECT count(*)::int AS n FROM load.cell_windows')).rows[0].n);
    const peakRssMb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${load.pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
    const samples = cells * rounds;
    // Ten evenly spaced readings are enough to see the trend.
    const step = Math.max(1, Math.ceil(lagSamples.length / 10));
    lagSamples.splice(0, lagSamples.length, ...lagSamples.filter((_, i) => i % step === 0 || i === lagSamples.length - 1));
    return { phase: `load: ${cells.toLocaleString('en')} cells × ${rounds} windows`, cells, samples, seconds, samplesPerSec: samples / seconds, lagSamples, windowsClosed: windows, peakRssMb };
  } finally {
    await Promise.all([producer.disconnect(), db.end()]);
    await load.stop();
    await dropDatabase(isolation);
  }
}
