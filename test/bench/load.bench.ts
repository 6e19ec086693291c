import { sleep } from './alert-common';
import { type BacklogReading, type BacklogTrend, backlogTrend } from './lag-trend';
import { CELLS_PER_SITE } from './load-fleet';
import { type LoadBenchOptions, LoadBenchSession, type Usage } from './load-session';
import { CLK_TCK } from './proc-usage';

/** The load service alone: how fast it applies a backlog (`benchLoad`), and what rate it holds (`benchLoadRate`). */
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
  /** CPU seconds (user + system) the load process spent during the run (its start-up and registry read left out). */
  readonly cpuSeconds?: number;
  /** CPU seconds of the Postgres backends serving the load process during the run. */
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

/**
 * Drain: every cell of the registered bench fleet (LoadBenchSession) reports one sample per window for
 * `rounds` windows, produced as fast as the broker takes them, then one heartbeat per site closes the
 * last; samples/s is samples ÷ the time until everything is applied. Throughput on a backlog, and the
 * workload load-profile.ts profiles. The default 5 s out-of-order delay lets every site of a round arrive
 * before the round's windows close (with 0 every site after the first in a partition would be late and revise its window).
 */
export async function benchLoad(cells: number, rounds: number, progress: (done: number) => void, options: LoadBenchOptions = {}): Promise<LoadBenchResult> {
  const session = await LoadBenchSession.open(cells, options);
  try {
    const sites = session.sites.length;
    const before = session.usage();
    const lagSamples: number[] = [];
    for (let round = 0; round <= rounds; round++) {
      // The last round carries only heartbeats: it moves event time past the last window.
      await session.produce(round === rounds ? session.heartbeats(round) : Array.from({ length: sites }, (_, s) => session.message(round * sites + s)));
      lagSamples.push(await session.lag());
      progress((round + 1) / (rounds + 2));
    }
    for (let lag = await session.lag(); lag > 0; lag = await session.lag()) {
      lagSamples.push(lag);
      await sleep(250);
    }
    const applied = session.usage();
    while ((await session.pendingOutbox()) > 0) await sleep(100);
    const relayedSeconds = (performance.now() - before.at) / 1000;
    progress(1);
    const used = difference(before, applied);
    await session.backends.stop();
    const samples = session.cells * rounds;
    // Ten evenly spaced readings are enough to see the trend.
    const step = Math.max(1, Math.ceil(lagSamples.length / 10));
    return {
      phase: `load: ${session.cells.toLocaleString('en')} cells × ${rounds} windows`,
      cells: session.cells,
      samples,
      seconds: used.seconds,
      samplesPerSec: samples / used.seconds,
      lagSamples: lagSamples.filter((_, i) => i % step === 0 || i === lagSamples.length - 1),
      windowsClosed: await session.count('SELECT count(*)::bigint AS n FROM load.cell_windows'),
      peakRssMb: session.peakRssMb(),
      relayedSeconds,
      cpuSeconds: used.load,
      pgCpuSeconds: used.postgres,
      pgActivity: session.backends.profile(),
      machineBusy: used.machineBusy,
      machineBusySeconds: used.machineBusySeconds,
      brokerCpuSeconds: used.broker,
      benchCpuSeconds: used.bench,
      steps: await session.metric('airan_load_step_seconds_total'),
    };
  } finally {
    await session.close();
  }
}

export interface RateBenchOptions {
  readonly cells: number;
  /** `rate`: one step at `rate`; `search`: steps from `rate` up by `factor` until one is not held. */
  readonly mode: 'rate' | 'search';
  /** Offered cell samples per second (of the first step, when searching). */
  readonly rate: number;
  readonly factor: number;
  /** Seconds of producing per step; longer when needed for four bins of whole rounds (see runStep). */
  readonly seconds: number;
  /** A step holds its rate when the lag and outbox trends are at most this share of the rate. */
  readonly tolerance: number;
  readonly maxSteps: number;
}

export interface BacklogSeries extends BacklogTrend {
  /** One reading per second of producing, and the largest. */
  readonly readings: number[];
  readonly max: number;
}

export interface RateStep {
  readonly offeredPerSec: number;
  /** Cell samples Kafka acknowledged, and load applied, per second of the step. */
  readonly producedPerSec: number;
  readonly appliedPerSec: number;
  readonly seconds: number;
  /** Consumer lag in cell samples (messages × cells per site). */
  readonly lag: BacklogSeries;
  /** cell-load events in load's outbox not yet on Kafka. */
  readonly outbox: BacklogSeries;
  /** The bench produced what was offered, neither trend grew and the backlogs drained afterwards. */
  readonly held: boolean;
  /** Why a step did not hold (absent when it did). */
  readonly note?: string;
  /** After a held step: seconds from its last produce until everything was applied and relayed. */
  readonly drainedSeconds?: number;
  readonly windowsClosed: number;
  /** CPU seconds per million cell samples applied during the step: the load process, and its Postgres backends. */
  readonly loadCpuPerMillion: number;
  readonly pgCpuPerMillion: number;
  /** Share of the machine's CPU busy during the step, 0–1. */
  readonly machineBusy: number;
  /** VmHWM of load at the end of the step: its peak since it started. */
  readonly peakRssMb: number;
}

export interface LoadRateResult {
  readonly phase: string;
  readonly options: RateBenchOptions;
  readonly fleet: { cells: number; sites: number; gpus: number; registryEvents: number; registrySeconds: number; loadReadySeconds: number };
  readonly steps: RateStep[];
  /** The largest rate held, if any. */
  readonly sustained?: RateStep;
  readonly stoppedBecause: string;
  readonly peakRssMb: number;
  /** Windows closed in all, and those given node GPU time by attribution (AI and radio). */
  readonly windows: { closed: number; attributed: number };
  readonly pgActivity: ReadonlyArray<{ share: number; what: string }>;
}

export type RateProgress = (step: string, done: number, text: string) => void;

/**
 * Offered rate: the fleet's reports (LoadBenchSession) produced at a fixed rate, lag read every second.
 * `search` raises the rate step by step, each step on the same load process and database once the
 * previous one has drained, until a step does not hold its rate; the result is the largest rate held.
 */
export async function benchLoadRate(options: RateBenchOptions, progress: RateProgress, loadOptions: LoadBenchOptions = {}): Promise<LoadRateResult> {
  const o = options;
  const session = await LoadBenchSession.open(o.cells, loadOptions);
  try {
    const steps: RateStep[] = [];
    const next = { index: 0 };
    let stoppedBecause = `BENCH_LOAD_MAX_STEPS (${o.maxSteps}) reached`;
    for (let rate = o.rate; steps.length < o.maxSteps; rate = Math.round(rate * o.factor)) {
      const step = await runStep(session, o, rate, next, (done, text) => progress(`load ${Math.round(rate).toLocaleString('en')}/s`, done, text));
      steps.push(step);
      if (step.note !== undefined) {
        stoppedBecause = step.note;
        break;
      }
      if (o.mode === 'rate') {
        stoppedBecause = 'one step (BENCH_LOAD_MODE=rate)';
        break;
      }
    }
    await session.backends.stop();
    return {
      phase: `load: ${session.cells.toLocaleString('en')} registered cells, offered rate (${o.mode})`,
      options: o,
      fleet: { cells: session.cells, sites: session.sites.length, gpus: session.gpus, registryEvents: session.registryEvents, registrySeconds: session.registrySeconds, loadReadySeconds: session.loadReadySeconds },
      steps,
      // Steps go up and the search stops at the first that does not hold: the last held is the largest.
      sustained: steps.filter((s) => s.held).at(-1),
      stoppedBecause,
      peakRssMb: session.peakRssMb(),
      windows: {
        closed: await session.count('SELECT count(*)::bigint AS n FROM load.cell_windows'),
        attributed: await session.count('SELECT count(*)::bigint AS n FROM load.cell_windows WHERE ai_gpu_ms IS NOT NULL AND radio_gpu_ms IS NOT NULL'),
      },
      pgActivity: session.backends.profile(),
    };
  } finally {
    await session.close();
  }
}

/** Produces at `rate` cell samples/s (`next.index` onwards in the session's sequence), reading lag and outbox every second. */
async function runStep(session: LoadBenchSession, o: RateBenchOptions, rate: number, next: { index: number }, progress: (done: number, text: string) => void): Promise<RateStep> {
  const perSec = rate / CELLS_PER_SITE;
  // The trend is read from whole rounds (see backlogTrend): at least two bins of them in the second half.
  const round = session.sites.length / perSec;
  const bin = round * Math.ceil(MIN_BIN_SECONDS / round);
  const seconds = Math.max(o.seconds, 4 * bin);
  const threshold = o.tolerance * rate;
  const lag: BacklogReading[] = [];
  const outbox: BacklogReading[] = [];
  const before = session.usage();
  const [appliedBefore, windowsBefore] = [await session.applied(), await windowsClosed(session)];
  const producedBefore = session.produced;
  const elapsed = () => (performance.now() - before.at) / 1000;
  const read = async () => {
    const t = elapsed();
    const [messages, pending] = await Promise.all([session.lag(), session.pendingOutbox()]);
    lag.push({ t, value: messages * CELLS_PER_SITE });
    outbox.push({ t, value: pending });
    progress(Math.min(1, t / seconds), `lag ${lag.at(-1)!.value.toLocaleString('en')} samples, outbox ${pending.toLocaleString('en')}`);
  };
  let producing = true;
  const sampler = (async () => {
    for (let k = 1; ; k++) {
      await sleep(Math.max(0, before.at + k * 1000 - performance.now()));
      if (!producing) return;
      await read();
    }
  })();
  sampler.catch(() => undefined); // awaited below; a failed reading (load gone) ends the step there
  try {
    // Open loop: every tick sends what is due by the clock, however long the previous send took.
    let sent = 0;
    for (let t = elapsed(); t < seconds; t = elapsed()) {
      session.alive();
      const due = Math.min(Math.floor(t * perSec), Math.ceil(seconds * perSec)) - sent;
      if (due <= 0) {
        await sleep(SEND_TICK_MS);
        continue;
      }
      const count = Math.min(due, MAX_SEND);
      await session.produce(Array.from({ length: count }, (_, i) => session.message(next.index + i)));
      next.index += count;
      sent += count;
    }
  } finally {
    producing = false;
  }
  const end = session.usage();
  const appliedSamples = ((await session.applied()) - appliedBefore) * CELLS_PER_SITE;
  const windows = (await windowsClosed(session)) - windowsBefore;
  await sampler;
  await read(); // the end of the step, so the second half holds its two bins
  const used = difference(before, end);
  const producedPerSec = ((session.produced - producedBefore) * CELLS_PER_SITE) / used.seconds;
  const lagSeries = series(lag, bin, threshold);
  const outboxSeries = series(outbox, bin, threshold);
  // The producer shares the machine: if it could not send what the clock asked, the step says nothing about load.
  const offered = producedPerSec >= rate * (1 - o.tolerance);
  const grew = [lagSeries.flat ? '' : 'lag', outboxSeries.flat ? '' : 'outbox'].filter(Boolean).join(' and ');
  const unknown = Number.isNaN(lagSeries.slope) || Number.isNaN(outboxSeries.slope);
  let note = !offered
    ? `the bench produced only ${Math.round(producedPerSec).toLocaleString('en')} of ${rate.toLocaleString('en')} samples/s`
    : grew ? `${grew} ${unknown ? 'not read long enough for a trend' : 'grew'} at ${rate.toLocaleString('en')} samples/s` : undefined;
  let drainedSeconds: number | undefined;
  if (note === undefined) {
    // The next step starts from an empty backlog; a backlog that does not drain in a few step lengths did not hold either.
    const deadline = performance.now() + DRAIN_STEPS * seconds * 1000;
    while (((await session.lag()) > 0 || (await session.pendingOutbox()) > 0) && performance.now() < deadline) await sleep(250);
    drainedSeconds = (performance.now() - end.at) / 1000;
    if (performance.now() >= deadline) note = `not drained ${Math.round(drainedSeconds)} s after a step at ${rate.toLocaleString('en')} samples/s`;
  }
  const held = note === undefined;
  return {
    offeredPerSec: rate,
    producedPerSec,
    appliedPerSec: appliedSamples / used.seconds,
    seconds: used.seconds,
    lag: lagSeries,
    outbox: outboxSeries,
    held,
    ...(note ? { note } : {}),
    ...(drainedSeconds === undefined ? {} : { drainedSeconds }),
    windowsClosed: windows,
    loadCpuPerMillion: (used.load / appliedSamples) * 1e6,
    pgCpuPerMillion: (used.postgres / appliedSamples) * 1e6,
    machineBusy: used.machineBusy,
    peakRssMb: session.peakRssMb(),
  };
}

/** How often the producer looks at the clock when nothing is due, and the most messages it sends at once. */
const SEND_TICK_MS = 50;
const MAX_SEND = 1000;
/** A held step's backlog must drain within this many step lengths. */
const DRAIN_STEPS = 3;
/** The shortest bin the backlog is averaged over: enough one-second readings for a mean. */
const MIN_BIN_SECONDS = 8;

function series(readings: readonly BacklogReading[], binSeconds: number, threshold: number): BacklogSeries {
  const values = readings.map((r) => r.value);
  return { ...backlogTrend(readings, binSeconds, threshold), readings: values, max: Math.max(0, ...values) };
}

async function windowsClosed(session: LoadBenchSession): Promise<number> {
  return Object.values(await session.metric('airan_load_windows_closed_total')).reduce((a, b) => a + b, 0);
}

/** What was used between two readings. */
function difference(a: Usage, b: Usage) {
  const ticks = b.machineTotal - a.machineTotal;
  return {
    seconds: (b.at - a.at) / 1000,
    load: b.load - a.load,
    postgres: b.postgres - a.postgres,
    broker: a.broker === undefined || b.broker === undefined ? undefined : b.broker - a.broker,
    bench: b.bench - a.bench,
    machineBusy: ticks > 0 ? (b.machineBusy - a.machineBusy) / ticks : NaN,
    machineBusySeconds: (b.machineBusy - a.machineBusy) / CLK_TCK,
  };
}
