import type { Column, Dataset } from '../history/history.datasets';
import type { StoredRow } from '../history/history.rows';
import { isoFromMicros } from '../history/history.time';
import type { ExportEncoder } from './export.encoder';
import type { ResponseWriter } from './response.writer';

const NEEDS_QUOTES = /[",\r\n]/;

/** A field per RFC 4180: quoted (quotes doubled) when it holds a comma, a quote or a line break. */
export function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * A value's CSV text. SQL NULL is an empty field, and an empty string a quoted one (`""`), so the two stay
 * apart; instants are ISO 8601 in UTC, doubles in the shortest form that reads back exactly, jsonb as JSON.
 */
export function csvValue(c: Column, value: unknown): string {
  if (value === null || value === undefined) return '';
  switch (c.type) {
    case 'timestamp':
      return isoFromMicros(value as string);
    case 'json':
      return csvField(JSON.stringify(value));
    case 'text':
    case 'uuid':
      return value === '' ? '""' : csvField(value as string);
    default:
      return String(value);
  }
}

/** CSV per RFC 4180: a header of the column names, CRLF line ends, one chunk written per batch of rows. */
export class CsvEncoder implements ExportEncoder {

  private constructor(
    private readonly dataset: Dataset,
    private readonly out: ResponseWriter,
  ) {}

  static async open(dataset: Dataset, out: ResponseWriter): Promise<CsvEncoder> {
    await out.write(`${dataset.columns.map((c) => csvField(c.name)).join(',')}\r\n`);
    return new CsvEncoder(dataset, out);
  }

  write(rows: readonly StoredRow[]): Promise<void> {
    let text = '';
    for (const row of rows) text += `${this.dataset.columns.map((c) => csvValue(c, row[c.name])).join(',')}\r\n`;
    return this.out.write(text);
  }

  end(): Promise<void> {
    return this.out.end();
  }
}
