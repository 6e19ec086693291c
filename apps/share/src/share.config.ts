import { z } from 'zod';
import { commonEnv } from '@airan/config';

export const shareConfigSchema = z.object({
  ...commonEnv(3004),
  /** Consumer group over the source topics; its offsets are committed inside share's transactions. */
  SHARE_GROUP_ID: z.string().min(1).default('airan-share'),
  /**
   * The transactional id of this instance's producer. Stable across restarts, so a restarted instance fences
   * what its previous run left open; every instance needs its own.
   */
  SHARE_TRANSACTIONAL_ID: z.string().min(1).default('airan-share-0'),
});

export type ShareConfig = z.output<typeof shareConfigSchema>;
