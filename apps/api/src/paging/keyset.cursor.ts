import { createHash } from 'node:crypto';

/**
 * Keyset cursors, shared by every paged listing: the key of the last row of a page, and a digest of the
 * query it belongs to. The next page starts strictly after that key, so a row present when paging began is
 * never skipped or repeated, whatever is written meanwhile. Opaque to clients: base64url of a small JSON
 * document. Each listing says which keys are valid and how a refusal reads in its own error.
 */
export interface KeysetCursor {
  /** Key values of the last row, as text. */
  readonly after: readonly string[];
  /** bindingOf() of the query the cursor was issued for. */
  readonly binding: string;
}

/** Why a cursor was refused: not one this api issued, or one issued for another query. */
export type CursorRefusal = 'malformed' | 'other-query';

export interface CursorCheck {
  readonly binding: string;
  /** Whether a decoded key fits the listing (length, types, ranges), so a forged value never reaches SQL. */
  readonly keyIsValid: (after: readonly string[]) => boolean;
  readonly refuse: (reason: CursorRefusal) => Error;
}

const VERSION = 1;

export function encodeCursor(cursor: KeysetCursor): string {
  return Buffer.from(JSON.stringify({ v: VERSION, a: cursor.after, b: cursor.binding })).toString('base64url');
}

/**
 * A digest of everything that selects rows besides the page (listing, filters, scope, time range): a cursor
 * only continues the query that issued it, and a different one is refused instead of silently starting
 * somewhere arbitrary. Undefined values do not count, and the order of the selection's names does not either.
 */
export function bindingOf(listing: string, selection: Readonly<Record<string, string | bigint | boolean | undefined>>): string {
  const canonical = Object.keys(selection)
    .sort()
    .filter((k) => selection[k] !== undefined)
    .map((k) => [k, String(selection[k])]);
  return createHash('sha256').update(JSON.stringify([listing, canonical])).digest('base64url').slice(0, 16);
}

/** The cursor's key after checking it is well formed, continues this query, and fits the listing's key. */
export function decodeCursor(text: string, check: CursorCheck): readonly string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw check.refuse('malformed');
  }
  const { v, a, b } = (parsed ?? {}) as { v?: unknown; a?: unknown; b?: unknown };
  if (v !== VERSION || typeof b !== 'string' || !Array.isArray(a) || !a.every((x) => typeof x === 'string')) throw check.refuse('malformed');
  if (b !== check.binding) throw check.refuse('other-query');
  if (!check.keyIsValid(a)) throw check.refuse('malformed');
  return a;
}
