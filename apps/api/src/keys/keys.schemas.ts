import { ROLES } from '@airan/auth';
import { z } from 'zod';

/** `POST /v1/admin/keys` and `keys create`: who the key is for. */
export const keyRequestSchema = z
  .object({
    role: z.enum(ROLES as [string, ...string[]]),
    subject: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]*$/)
      .describe('the operator id for operator keys, the partner id for partner keys, a person or team otherwise'),
    name: z.string().min(1).max(200),
  })
  .strict();

export const issuedKeySchema = z.object({
  id: z.string(),
  key: z.string().describe('shown once; only its hash is stored'),
  role: z.string(),
  subject: z.string(),
});
export type IssuedKey = z.infer<typeof issuedKeySchema>;
