import { z } from 'zod';
import { commonEnv } from '@airan/config';

export const apiConfigSchema = z.object({
  ...commonEnv(3000),
  API_GROUP_ID: z.string().min(1).default('airan-api'),
});

export type ApiConfig = z.output<typeof apiConfigSchema>;
