import type { FieldError } from '@airan/contracts';

/** A field error as airan reports it in a VES error body; `index` is the event's index in the request when known. */
export interface VesFieldError extends FieldError {
  readonly index?: number;
}

/**
 * The VES 7.x error body (`requestError.ServiceException`, message SVC0002 "bad parameter") with
 * airan's extension `fieldErrors`: every problem with its JSON path, code and message. `text` follows the
 * VES convention: `%1`, `%2`, … are replaced by `variables[0]`, `variables[1]`, … (here: the offending
 * paths, distinct, at most `VES_MAX_VARIABLES`).
 */
export interface VesRequestErrorBody {
  readonly requestError: {
    readonly ServiceException: {
      readonly messageId: 'SVC0002';
      readonly text: string;
      readonly variables: string[];
    };
  };
  readonly fieldErrors: VesFieldError[];
}

export const VES_MAX_VARIABLES = 20;
const DEFAULT_TEXT = 'Bad parameter (JSON does not conform to schema)';

/**
 * Builds the VES error body. Typical uses:
 * `buildVesRequestError(formatError.errors, formatError.message)` for a whole-request failure, and
 * `buildVesRequestError(rejected.flatMap((r) => r.errors.map((e) => ({ index: r.index, ...e }))))`
 * when every event was rejected.
 */
export function buildVesRequestError(errors: readonly VesFieldError[], summary: string = DEFAULT_TEXT): VesRequestErrorBody {
  const paths = [...new Set(errors.map((e) => e.path))];
  const variables = paths.slice(0, VES_MAX_VARIABLES);
  const placeholders = variables.map((_, i) => `%${i + 1}`).join(', ');
  const more = paths.length > variables.length ? ` (and ${paths.length - variables.length} more)` : '';
  const text = variables.length > 0 ? `${summary}: ${placeholders}${more}` : summary;
  return {
    requestError: { ServiceException: { messageId: 'SVC0002', text, variables } },
    fieldErrors: errors.map((e) => ({ ...(e.index !== undefined ? { index: e.index } : {}), path: e.path, code: e.code, message: e.message })),
  };
}
