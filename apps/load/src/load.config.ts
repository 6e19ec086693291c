import { z } from 'zod';
import { commonEnv } from '@airan/config';

export const loadConfigSchema = z.object({
  ...commonEnv(3002),
  LOAD_GROUP_ID: z.string().min(1).default('airan-load'),
  LOAD_WINDOW_MS: z.coerce.number().int().min(1000).default(60_000),
  /** Allowed out-of-order delay: the watermark trails the largest event time by this much. */
  LOAD_OUT_OF_ORDER_MS: z.coerce.number().int().min(0).default(5_000),
  /** A closed window still takes samples this much later (new revision); later ones are kept and counted only. */
  LOAD_ALLOWED_LATENESS_MS: z.coerce.number().int().min(0).default(300_000),
  LOAD_SAMPLE_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** GPU capacity allocated to a cell the registry does not describe yet, in GPUs. */
  LOAD_DEFAULT_CELL_GPUS: z.coerce.number().positive().default(0.25),
});

export type LoadConfig = z.output<typeof loadConfigSchema>;
