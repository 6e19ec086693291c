import type { EventEnvelope } from './event';

export const TELEMETRY_SCHEMA = 'airan.telemetry/1';

/**
 * One cell's KPIs over `intervalMs` ending at `ts` (epoch ms). Identity: (cellId, ts).
 * Every measurement is optional: sites report what they have.
 */
export interface CellSample {
  readonly cellId: string;
  readonly ts: number;
  readonly intervalMs: number;
  /** PRB use, percent 0–100 (3GPP RRU.PrbTotDl/Ul). */
  readonly prbDlPct?: number;
  readonly prbUlPct?: number;
  /** Mean UE throughput, Mbit/s (3GPP DRB.UEThpDl/Ul, converted from kbit/s). */
  readonly thpDlMbps?: number;
  readonly thpUlMbps?: number;
  /** Mean RRC-connected UEs (3GPP RRC.ConnMean). */
  readonly rrcConnectedUes?: number;
  /** AI inference served to this cell during the interval. */
  readonly inferenceRequests?: number;
  readonly inferenceTokens?: number;
  /** GPU milliseconds spent on this cell's inference, when the site attributes them. */
  readonly gpuMs?: number;
  readonly latencyP95Ms?: number;
}

/** One GPU device (or MIG slice) on a GPU node. Identity: (node, device, ts). */
export interface GpuSample {
  readonly node: string;
  readonly device: string;
  readonly ts: number;
  readonly utilPct?: number;
  /** Share of the device used by the radio stack and by AI inference, 0–1, where known. */
  readonly radioShare?: number;
  readonly aiShare?: number;
  readonly memUsedMiB?: number;
  readonly powerW?: number;
  /** GPU die temperature, °C (DCGM_FI_DEV_GPU_TEMP); GPU_TEMP_MIN_C … GPU_TEMP_MAX_C. */
  readonly tempC?: number;
}

/** A site alarm raised or cleared (VES `fault` events): kept with the site's telemetry for alerting. */
export interface SiteFault {
  readonly sourceName: string;
  readonly eventId: string;
  readonly sequence: number;
  readonly ts: number;
  readonly startTs: number;
  readonly alarmCondition: string;
  /** CRITICAL, MAJOR, MINOR, WARNING; NORMAL clears. */
  readonly eventSeverity: string;
  readonly specificProblem: string;
}

/** A normalised site report: the value of `airan.telemetry.v1`, keyed by siteId. */
export interface TelemetryReport extends EventEnvelope<typeof TELEMETRY_SCHEMA> {
  readonly operatorId: string;
  readonly siteId: string;
  /** API key that wrote it: every record is attributable. */
  readonly keyId: string;
  readonly receivedAt: number;
  readonly cells: readonly CellSample[];
  readonly gpus: readonly GpuSample[];
  /** Heartbeat times (epoch ms): liveness and watermark progress without KPIs. */
  readonly heartbeats: readonly number[];
  readonly faults?: readonly SiteFault[];
}
