import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Client } from 'pg';
import { eventually } from '../support/stack';
import { figures } from './alert-common';
import type { GeneratorRun } from './pipeline-generator';
import type { CpuSnapshot, LagReading } from './pipeline-probes';
import type { ConsumerLag, PipelineBenchOptions, PipelineResult, ServiceUsage } from './pipeline-types';
import { peakRssMbOf } from '../support/process-stats';
import { CLK_TCK } from './proc-usage';

// The pipeline bench's results, once the run drained: lag trends, window latencies, CPU and memory.

/** Lag through the measured sending. */
export function lagTrends(
  lagReadings: readonly LagReading[],
  run: Pick<GeneratorRun, 'measureTick' | 'sendEnd' | 'requestsPerTick'>,
  I: number,
  cells: number,
  topicPrefix: string,
): ConsumerLag[] {
  const { measureTick, sendEnd, requestsPerTick } = run;
  const during = lagReadings.filter((r) => r.at >= measureTick && r.at <= sendEnd);
  const telemetryMessagesPerTick = during.length >= 2 ? (during.at(-1)!.telemetryEnd - during[0].telemetryEnd) / Math.max(1, (during.at(-1)!.at - during[0].at) / I) : requestsPerTick;
  return [
    trend(`load (${topicPrefix}airan-load) on airan.telemetry.v1`, during.map((r) => r.load), Math.ceil(telemetryMessagesPerTick)),
    trend('alerting samples group on airan.telemetry.v1', during.map((r) => r.alertingSamples), Math.ceil(telemetryMessagesPerTick)),
    trend('alerting windows group on airan.cell-load.v1', during.map((r) => r.alertingWindows), cells),
  ];
}

/**
 * Windows: the close instant of window [W, W+L) of a site's cell is the earliest 202 of a request
 * carrying a record of a site on the same telemetry partition stamped ≥ W + L + out-of-order delay
 * (the first record that can move that partition's watermark to the window's end). Measured: the
 * windows whose closing request was answered within the measured interval.
 */
export async function windowLatencies(
  db: Client,
  kafka: Kafka,
  cellLoadTopic: string,
  o: Pick<PipelineBenchOptions, 'windowMs' | 'outOfOrderMs'>,
  partitionOf: ReadonlyMap<string, number>,
  run: Pick<GeneratorRun, 'sent' | 'measureTick' | 'sendEnd'>,
): Promise<Omit<PipelineResult['windows'], 'stillOpen' | 'tooLateSamples'>> {
  const { sent, measureTick, sendEnd } = run;
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

  // The outbox row's published_at is the start of the relay's claim: it splits closed_at → Kafka into load's side and the relay's.
  const rows: Array<{ cell_id: string; site_id: string; start_ms: string; end_ms: string; revision: number; closed_ms: string; claimed_ms: string | null }> = (
    await db.query(
      `SELECT w.cell_id, w.site_id, extract(epoch FROM w.window_start) * 1000 AS start_ms, extract(epoch FROM w.window_end) * 1000 AS end_ms, w.revision,
         extract(epoch FROM w.closed_at) * 1000 AS closed_ms, extract(epoch FROM o.published_at) * 1000 AS claimed_ms
       FROM load.cell_windows w LEFT JOIN load.outbox o ON o.event_id = w.event_id`,
    )
  ).rows;
  const kafkaTimes = await firstEmissions(kafka, cellLoadTopic);
  const toPostgres: number[] = [];
  const toKafka: number[] = [];
  const fromSend: number[] = [];
  const kafkaAfterPostgres: number[] = [];
  const claimedAfterPostgres: number[] = [];
  const kafkaAfterClaim: number[] = [];
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
    if (r.claimed_ms === null) continue;
    claimedAfterPostgres.push(Number(r.claimed_ms) - closedAt);
    if (kafkaAt !== undefined) kafkaAfterClaim.push(kafkaAt - Number(r.claimed_ms));
  }
  return {
    measured: measuredWindows,
    closed: rows.length,
    revised: rows.filter((r) => r.revision > 0).length,
    toPostgres: figures('202 of the closing request → load.cell_windows.closed_at', toPostgres),
    toKafka: figures('202 of the closing request → Kafka timestamp on airan.cell-load.v1', toKafka),
    also: [
      figures('closing request sent → load.cell_windows.closed_at', fromSend),
      figures('closed_at → Kafka timestamp on airan.cell-load.v1', kafkaAfterPostgres),
      figures("closed_at → the relay's claim (load.outbox.published_at)", claimedAfterPostgres),
      figures("the relay's claim → Kafka timestamp", kafkaAfterClaim),
      figures('window end (event time = wall time) → closed_at', fromWindowEnd),
    ],
  };
}

/** CPU and memory per process over the measured interval (from the start snapshot to the end one), and the whole machine's. */
export function usageOver(
  cpu: { readonly named: ReadonlyArray<[string, number]>; readonly postgres: ReadonlyMap<number, { start: number; last: number }> },
  start: CpuSnapshot,
  end: CpuSnapshot,
  acceptedRecords: number,
): { services: ServiceUsage[]; machine: PipelineResult['machine'] } {
  const { named, postgres } = cpu;
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
  return { services: servicesUsage, machine };
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
export async function firstEmissions(kafka: Kafka, topic: string): Promise<Map<string, number>> {
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
