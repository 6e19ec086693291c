import { z } from 'zod';
import { envelopeShape, epochMs } from './event';

export const TELEMETRY_SCHEMA = 'airan.telemetry/1';

const optionalNumber = (description: string) => z.number().optional().describe(description);

/**
 * One cell's KPIs over `intervalMs` ending at `ts` (epoch ms). Identity: (cellId, ts).
 * Every measurement is optional: sites report what they have.
 */
export const cellSampleSchema = z
  .object({
    cellId: z.string(),
    ts: epochMs,
    intervalMs: z.number().int().positive(),
    prbDlPct: optionalNumber('PRB use downlink, percent 0–100 (3GPP RRU.PrbTotDl)'),
    prbUlPct: optionalNumber('PRB use uplink, percent 0–100 (3GPP RRU.PrbTotUl)'),
    thpDlMbps: optionalNumber('mean UE throughput downlink, Mbit/s (3GPP DRB.UEThpDl, converted from kbit/s)'),
    thpUlMbps: optionalNumber('mean UE throughput uplink, Mbit/s (3GPP DRB.UEThpUl)'),
    rrcConnectedUes: optionalNumber('mean RRC-connected UEs (3GPP RRC.ConnMean)'),
    inferenceRequests: optionalNumber('AI inference requests served to this cell during the interval'),
    inferenceTokens: optionalNumber('AI inference tokens served to this cell during the interval'),
    gpuMs: optionalNumber("GPU milliseconds spent on this cell's inference, when the site attributes them"),
    latencyP95Ms: optionalNumber('95th percentile inference latency, ms'),
  })
  .strict()
  .readonly();
export type CellSample = z.infer<typeof cellSampleSchema>;
/** A cell sample's measurements: every field but its identity and interval. */
export type CellField = Exclude<keyof CellSample, 'cellId' | 'ts' | 'intervalMs'>;
/** Every cell measurement, in the order parsers output them. */
export const CELL_FIELDS: readonly CellField[] = ['prbDlPct', 'prbUlPct', 'thpDlMbps', 'thpUlMbps', 'rrcConnectedUes', 'inferenceRequests', 'inferenceTokens', 'gpuMs', 'latencyP95Ms'];

/** One GPU device (or MIG slice) on a GPU node. Identity: (node, device, ts). */
export const gpuSampleSchema = z
  .object({
    node: z.string().describe('the host name DCGM reports (`Hostname`), or a registry alias resolved to it'),
    device: z.string(),
    ts: epochMs,
    utilPct: optionalNumber('GPU utilisation, percent'),
    radioShare: optionalNumber('share of the device used by the radio stack, 0–1, where known'),
    aiShare: optionalNumber('share of the device used by AI inference, 0–1, where known'),
    memUsedMiB: optionalNumber('memory used, MiB'),
    powerW: optionalNumber('power draw, W'),
    tempC: optionalNumber('GPU die temperature, °C (DCGM_FI_DEV_GPU_TEMP); GPU_TEMP_MIN_C … GPU_TEMP_MAX_C'),
  })
  .strict()
  .readonly();
export type GpuSample = z.infer<typeof gpuSampleSchema>;
/** A GPU sample's measurements: every field but its identity. */
export type GpuField = Exclude<keyof GpuSample, 'node' | 'device' | 'ts'>;
/** Every GPU measurement, in the order parsers output them. */
export const GPU_FIELDS: readonly GpuField[] = ['utilPct', 'radioShare', 'aiShare', 'memUsedMiB', 'powerW', 'tempC'];

/** A site alarm raised or cleared (VES `fault` events): kept with the site's telemetry for alerting. */
export const siteFaultSchema = z
  .object({
    sourceName: z.string(),
    eventId: z.string(),
    sequence: z.number().int(),
    ts: epochMs,
    startTs: epochMs,
    alarmCondition: z.string(),
    eventSeverity: z.string().describe('CRITICAL, MAJOR, MINOR, WARNING; NORMAL clears'),
    specificProblem: z.string(),
  })
  .strict()
  .readonly();
export type SiteFault = z.infer<typeof siteFaultSchema>;

/** A normalised site report: the value of `airan.telemetry.v1`, keyed by siteId. */
export const telemetryReportSchema = z
  .object({
    ...envelopeShape(TELEMETRY_SCHEMA),
    operatorId: z.string(),
    siteId: z.string(),
    keyId: z.string().describe('API key that wrote it: every record is attributable'),
    receivedAt: epochMs,
    cells: z.array(cellSampleSchema).readonly(),
    gpus: z.array(gpuSampleSchema).readonly(),
    heartbeats: z.array(epochMs).readonly().describe('heartbeat times: liveness and watermark progress without KPIs'),
    faults: z.array(siteFaultSchema).readonly().optional(),
  })
  .strict()
  .readonly();
export type TelemetryReport = z.infer<typeof telemetryReportSchema>;
