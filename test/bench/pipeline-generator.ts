import { type SimOperator, createPrng, hash32 } from '@airan/demo-fleet';
import { buildOperatorBatch } from '../../apps/simulator/src/simulator.samples';
import { sleep } from './alert-common';
import { wallNow } from './alert-receiver';
import type { CpuSnapshot, LagReading } from './pipeline-probes';
import type { PipelineBenchOptions, PipelineProgress } from './pipeline-types';

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

export interface Sent {
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

/** What the generator sent, and the ticks it ran on. */
export interface GeneratorRun {
  readonly sent: Sent[];
  /** Tick → POST sent, of the measured requests. */
  readonly dispatchDelays: number[];
  readonly measureTick: number;
  /** Exclusive. */
  readonly endTick: number;
  readonly measuredTicks: number;
  readonly skippedTicks: number;
  readonly requestsPerTick: number;
  readonly recordsPerTick: number;
  /** Taken at the first measured tick (none if no tick was). */
  readonly startSnapshot: Promise<CpuSnapshot> | undefined;
  /** The last answer to a measured request (the measured interval's start if none came). */
  readonly sendEnd: number;
}

/**
 * The generator: every `intervalMs`, on wall-clock ticks aligned to the interval, each operator's batch
 * (`buildOperatorBatch`), cut into requests of `recordsPerRequest` records and queued; `concurrency`
 * workers post the queue to ingest in order. Open loop: a tick that finds more than five ticks' worth
 * of requests still queued is skipped. Resolves once the last tick's requests are answered.
 */
export async function generateLoad(g: {
  readonly o: PipelineBenchOptions;
  readonly operators: SimOperator[];
  readonly partitionOf: ReadonlyMap<string, number>;
  readonly keys: ReadonlyMap<string, string>;
  readonly ingestUrl: string;
  /** The CPU snapshot to take at the first measured tick. */
  readonly snapshot: (starting: boolean) => Promise<CpuSnapshot>;
  /** The latest lag reading, for the progress line. */
  readonly lastLag: () => LagReading | undefined;
  readonly progress: PipelineProgress;
  readonly label: string;
}): Promise<GeneratorRun> {
  const { o, operators, partitionOf, keys, snapshot, progress, label } = g;
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
        const response = await fetch(`${g.ingestUrl}/v1/telemetry`, { method: 'POST', headers: { authorization: `Bearer ${keys.get(job.operatorId)}`, 'content-type': 'application/json' }, body: job.body });
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

  const bar = setInterval(() => {
    const lastLag = g.lastLag();
    const elapsed = Math.min(1, Math.max(0, (wallNow() - firstTick) / totalMs));
    const phase = wallNow() < measureTick ? `${label}: warm-up` : label;
    progress(phase, elapsed, `${acceptedSoFar.toLocaleString('en')} records, lag ${lastLag ? lastLag.load : '–'}`);
  }, 250);

  await Promise.all([ticker, ...Array.from({ length: o.concurrency }, worker)]);
  clearInterval(bar);
  const sendEnd = sent.reduce((latest, s) => (s.measured ? Math.max(latest, s.answeredAt) : latest), measureTick);
  return { sent, dispatchDelays, measureTick, endTick, measuredTicks, skippedTicks, requestsPerTick, recordsPerTick, startSnapshot, sendEnd };
}
