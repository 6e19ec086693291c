import { z } from 'zod';
import { commonEnv } from '@airan/config';

export const alertingConfigSchema = z.object({
  ...commonEnv(3003),
  ALERTING_GROUP_ID: z.string().min(1).default('airan-alerting'),
});

export type AlertingConfig = z.output<typeof alertingConfigSchema>;
