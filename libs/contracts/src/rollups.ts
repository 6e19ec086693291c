import { z } from 'zod';
import { envelopeShape, isoInstant } from './event';

export const ROLLUP_SCHEMA = 'airan.rollup/1';

const gpuMs = z.number().nonnegative();

/**
 * A site's, pilot's or operator's totals over one window: the sums load keeps per window
 * (`load.rollup_windows`, `RollupSums` in libs/load-model) and the loads they give, after a change.
 * Load publishes one on `airan.rollups.v1` (keyed by `scopeId`) each time a batch's closed windows move
 * the row; `version` rises with every change, so the latest of a window supersedes the others. Partners
 * receive it as the `rollups` product.
 */
export const rollupWindowSchema = z
  .object({
    ...envelopeShape(ROLLUP_SCHEMA),
    scope: z.enum(['site', 'pilot', 'operator']),
    scopeId: z.string(),
    operatorId: z.string().describe('the operator the site, pilot or operator belongs to'),
    windowStart: isoInstant,
    version: z.number().int().min(1).describe("rises with every change of this window's totals: the highest supersedes"),
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
