import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { ParamsError } from './params.errors';

/**
 * Checks one path parameter against its shape; a mismatch is a 400 naming `path.<name>`, so nothing
 * malformed reaches storage or another service's URL.
 */
export class PathParamPipe implements PipeTransform<string, string> {
  constructor(private readonly schema: z.ZodType<string>) {}

  transform(value: string, { data: name }: ArgumentMetadata): string {
    const parsed = this.schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const path = `path.${name ?? ''}`;
    throw new ParamsError('INVALID_PATH_PARAMETER', `invalid path parameter ${name ?? ''}`, parsed.error.issues.map((issue) => ({ path, code: 'INVALID_VALUE', message: issue.message })));
  }
}

/** An alerting rule id: lower-case letters, digits and dashes, up to 63 characters. */
export const RULE_ID = new PathParamPipe(z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and - (not first), at most 63'));
/** An alert fingerprint: 16 lower-case hex digits (Alertmanager's 64-bit FNV-1a of the label set). */
export const FINGERPRINT = new PathParamPipe(z.string().regex(/^[0-9a-f]{16}$/, '16 lower-case hex digits'));
export const SILENCE_ID = new PathParamPipe(z.string().uuid());
