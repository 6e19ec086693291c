import { FormatError } from './format-error';

/** The FormatError `fn` throws (for specs): any other outcome fails. */
export function formatError(fn: () => unknown): FormatError {
  try {
    fn();
  } catch (error) {
    if (error instanceof FormatError) return error;
    throw error;
  }
  throw new Error('expected a FormatError');
}
