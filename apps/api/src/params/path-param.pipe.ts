import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { ParamsError } from './params.errors';

/**
 * Checks one path parameter against its shape; a mismatch is a 400 naming `path.<name>`, so nothing
 * malformed reaches storage or another service's URL. Routes declared with `@Route` check their path
 * with their spec instead (route-input.pipe.ts); this serves the ones not yet declared so.
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
