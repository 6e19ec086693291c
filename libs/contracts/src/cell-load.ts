import { z } from 'zod';
import { envelopeShape, isoInstant } from './event';

export const CELL_LOAD_SCHEMA = 'airan.cell-load/1';

const figure = (description?: string) => (description ? z.number().nullable().describe(description) : z.number().nullable());

/**
 * The load model's figures for one cell over one window: what `computeCellWindow` (libs/load-model)
 * returns, what load stores in `load.cell_windows`, and the metrics of every `CellLoadWindow`. Defined
 * only here: a field added or removed changes the model's result, the event and the rule metrics
 * (libs/rule-engine/src/metrics.ts) together.
 */
const cellWindowMetricsShape = {
  sampleCount: z.number().int().nonnegative(),
  coverage: z.number().describe('fraction of the window covered by samples, 0–1'),
  aiGpuMs: figure("AI GPU-ms (the cell's own, or its share of the serving node's): numerator of the inference load"),
  capacityGpuMs: figure('allocated GPU-ms the AI GPU time is set against: denominator, kept so rollups can weigh cells by capacity'),
  radioGpuMs: figure('radio-stack GPU-ms of the serving node attributed to the cell by allocation'),
  inferenceLoad: figure('AI GPU time ÷ GPU capacity allocated to the cell; above 1 means demand beyond allocation'),
  radioLoad: figure(),
  headroom: figure(),
  requests: z.number(),
  tokens: z.number(),
  tokensPerSec: z.number(),
  latencyP95Ms: figure(),
  prbDlPct: figure(),
  prbUlPct: figure(),
  thpDlMbps: figure(),
  thpUlMbps: figure(),
  rrcConnectedUes: figure(),
};
export const cellWindowMetricsSchema = z.object(cellWindowMetricsShape).strict().readonly();
export type CellWindowMetrics = z.infer<typeof cellWindowMetricsSchema>;

/** One closed event-time window of one cell: the value of `airan.cell-load.v1`, keyed by cellId. */
export const cellLoadWindowSchema = z
  .object({
    ...envelopeShape(CELL_LOAD_SCHEMA),
    operatorId: z.string(),
    siteId: z.string(),
    cellId: z.string(),
    pilotId: z.string().nullable(),
    windowStart: isoInstant,
    windowEnd: isoInstant,
    revision: z.number().int().nonnegative().describe('0 for the first emission; late samples re-open the window and emit revision + 1'),
    sourceTraceIds: z.array(z.string()).readonly().describe('trace ids of the ingest requests whose samples built this window (span links)'),
    ...cellWindowMetricsShape,
  })
  .strict()
  .readonly();
export type CellLoadWindow = z.infer<typeof cellLoadWindowSchema>;
