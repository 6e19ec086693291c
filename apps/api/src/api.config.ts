import { z } from 'zod';
import { commonEnv } from '@airan/config';

export const apiConfigSchema = z.object({
  ...commonEnv(3000),
  API_GROUP_ID: z.string().min(1).default('airan-api'),
  /** Seed an empty registry with the demo pilots of SK Telecom, KT and LG U+. */
  API_SEED_DEMO_FLEET: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
});

export type ApiConfig = z.output<typeof apiConfigSchema>;
