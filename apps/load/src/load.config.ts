import { z } from 'zod';
import { commonEnv } from '@airan/config';

export const loadConfigSchema = z.object({
  ...commonEnv(3002),
  LOAD_GROUP_ID: z.string().min(1).default('airan-load'),
  LOAD_WINDOW_MS: z.coerce.number().int().min(1000).default(60_000),
  /** Allowed out-of-order delay: the watermark trails the largest event time by this much. */
  LOAD_OUT_OF_ORDER_MS: z.coerce.number().int().min(0).default(5_000),
  /** GPU capacity allocated to a cell the registry does not describe yet, in GPUs. */
  LOAD_DEFAULT_CELL_GPUS: z.coerce.number().positive().default(0.25),
});

export type LoadConfig = z.output<typeof loadConfigSchema>;
