import type { LatencyFigures } from './alert-common';
import type { StatementCost } from './pipeline-probes';

// The pipeline bench's options, progress callback and result (see pipeline.bench.ts and docs/performance.md "Pipeline").

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
  /** load and alerting processes, each set in one consumer group sharing the topics' partitions. */
  readonly loadInstances: number;
  readonly alertingInstances: number;
  /** A V8 CPU profile of one service's first process over the whole phase, written to `file` when it stops. */
  readonly cpuProfile?: { readonly app: ProfiledApp; readonly file: string };
}

/** The apps the pipeline bench can profile (`BENCH_PIPE_CPU_PROFILE`). */
export const PROFILED_APPS = ['alerting', 'api', 'ingest', 'load'] as const;
export type ProfiledApp = (typeof PROFILED_APPS)[number];

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
  /** Wall seconds of load's batch transactions by step over the whole run (`airan_load_step_seconds_total`), summed over the partitions applied in parallel. */
  readonly loadSteps: Readonly<Record<string, number>>;
  /** Postgres executor time by statement over the measured interval and the drain; null when the server does not load pg_stat_statements. */
  readonly statements: readonly StatementCost[] | null;
  readonly services: ServiceUsage[];
  /** The whole machine over the measured interval (/proc/stat): how busy its cores were, and how much of that was not this run's processes. */
  readonly machine: { readonly cores: number; readonly busyPercent: number; readonly iowaitPercent: number; readonly busyCores: number; readonly thisRunCores: number; readonly otherCores: number };
  readonly notes: string[];
}
