import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './stack';

/** The history and export routes as a client calls them. */

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details?: Array<{ path: string; code: string; message: string }> };
}

export interface HistoryPage {
  readonly items: Array<Record<string, unknown>>;
  readonly nextCursor: string | null;
}

/** GET with a key; the status and the JSON body. */
export async function getJson<T = unknown>(url: string, key: string): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  return { status: response.status, body: (await response.json()) as T, headers: response.headers };
}

/** `/v1/history/<route>?<params>` of an api. */
export const historyUrl = (api: string, route: string, params: Record<string, string> = {}) => `${api}/v1/history/${route}?${new URLSearchParams(params)}`;
/** `/v1/exports/<file>?<params>` of an api. */
export const exportUrl = (api: string, file: string, params: Record<string, string> = {}) => `${api}/v1/exports/${file}?${new URLSearchParams(params)}`;

/**
 * Every page of a history query, following nextCursor; `between` runs after each page but the last (to
 * write concurrently with the paging). Fails on any answer but 200.
 */
export async function allPages(api: string, route: string, params: Record<string, string>, key: string, between?: (page: number) => Promise<void>): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  for (let cursor: string | null = null, page = 0; ; page++) {
    const url = historyUrl(api, route, cursor ? { ...params, cursor } : params);
    const { status, body }: { status: number; body: HistoryPage } = await getJson<HistoryPage>(url, key);
    if (status !== 200) throw new Error(`page ${page} answered ${status}: ${JSON.stringify(body)}`);
    items.push(...body.items);
    cursor = body.nextCursor;
    if (!cursor) return items;
    await between?.(page);
  }
}

/** RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks; lines end with CRLF. Fields keep their quoting, so `""` (empty string) and `` (null) stay apart. */
export function parseCsv(text: string): Array<Array<{ value: string; quoted: boolean }>> {
  const records: Array<Array<{ value: string; quoted: boolean }>> = [];
  let record: Array<{ value: string; quoted: boolean }> = [];
  let i = 0;
  while (i < text.length) {
    let value = '';
    let quoted = false;
    if (text[i] === '"') {
      quoted = true;
      for (i++; ; i++) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"' && text[i + 1] === '"') (value += '"'), i++;
        else if (text[i] === '"') break;
        else value += text[i];
      }
      i++;
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') value += text[i++];
    }
    record.push({ value, quoted });
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) {
      records.push(record);
      record = [];
      i += 2;
    } else if (i < text.length) throw new Error(`unexpected character at ${i}: ${JSON.stringify(text.slice(i, i + 10))}`);
  }
  if (record.length > 0) throw new Error('last record does not end with CRLF');
  return records;
}

export interface ParquetColumn {
  readonly name: string;
  readonly type: string;
  readonly convertedType: string | null;
  readonly repetition: string;
}

/** A Parquet file as hyparquet reads it (test/support/parquet-reader.mjs): int64 as { int64 }, instants as { micros }. */
export interface ParquetContent {
  readonly rowGroups: number;
  readonly rowCount: number;
  readonly schema: ParquetColumn[];
  readonly rows: Array<Record<string, unknown>>;
}

/** Reads a Parquet file with hyparquet; with `lastRowGroup`, only the footer and the last row group's rows. */
export async function readParquet(bytes: Uint8Array, lastRowGroup = false): Promise<ParquetContent> {
  const dir = mkdtempSync(join(tmpdir(), 'airan-parquet-'));
  try {
    const file = join(dir, 'export.parquet');
    writeFileSync(file, bytes);
    const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'test/support/parquet-reader.mjs'), file, ...(lastRowGroup ? ['--last-row-group'] : [])], { maxBuffer: 512 * 1024 * 1024 });
    return JSON.parse(stdout) as ParquetContent;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
