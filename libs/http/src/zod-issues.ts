import type { ZodIssue } from 'zod';

export interface IssuePath {
  readonly path: string;
  readonly code: string;
  readonly message: string;
}

/**
 * zod's findings as field errors rooted at `root` (`$` for a body, `path` for path parameters, `query`
 * for query parameters): one per issue, and one per unknown key, so every offending field is named.
 */
export function zodIssuePaths(issues: readonly ZodIssue[], root: '$' | 'path' | 'query'): IssuePath[] {
  const join = (path: ReadonlyArray<string | number>) => root + path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
  return issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: join([...issue.path, key]), code: 'UNKNOWN_FIELD', message: 'unknown field' }))
      : [{ path: join(issue.path), code: issue.code === 'invalid_type' && issue.received === 'undefined' ? 'MISSING_FIELD' : 'INVALID_VALUE', message: issue.message }],
  );
}
