import { z } from 'zod';
import { envelopeShape, isoInstant } from './event';

export const ROLLUP_SCHEMA = 'airan.rollup/1';

const gpuMs = z.number().nonnegative();

/**
 * A site's, pilot's or operator's totals over one window: the sums load keeps per window
 * (`load.rollup_windows`, `RollupSums` in libs/load-model) and the loads they give. No internal topic
 * carries rollups (load keeps them in Postgres): this is the value partners receive as the `rollups`
 * product, keyed by `scopeId`.
 */
export const rollupWindowSchema = z
  .object({
    ...envelopeShape(ROLLUP_SCHEMA),
    scope: z.enum(['site', 'pilot', 'operator']),
    scopeId: z.string(),
    windowStart: isoInstant,
    cells: z.number().int().nonnegative().describe('cell windows summed'),
    aiGpuMs: gpuMs,
    capacityGpuMs: gpuMs,
    radioGpuMs: gpuMs,
    requests: z.number().int().nonnegative(),
    tokens: z.number().int().nonnegative(),
    inferenceLoad: z.number().nullable().describe('aiGpuMs ÷ capacityGpuMs, capacity-weighted; null without capacity'),
    radioLoad: z.number().nullable(),
  })
  .strict()
  .readonly();
export type RollupWindow = z.infer<typeof rollupWindowSchema>;
