// The writer and schema modules alone: the package's index also loads its reader, which pulls in an S3 client.
import { ParquetSchema } from '@dsnp/parquetjs/dist/lib/schema';
import { ParquetWriter } from '@dsnp/parquetjs/dist/lib/writer';
import type { ParquetType } from '@dsnp/parquetjs/dist/lib/declare';
import type { ColumnType, Dataset } from '../history/history.datasets';
import type { StoredRow } from '../history/history.rows';
import type { ExportEncoder } from './export.encoder';
import type { ResponseWriter } from './response.writer';

/**
 * Rows buffered per row group. A row group is shredded in memory until full, then encoded and written, and
 * the next row is taken only once the socket took it: the memory an export holds is about one row group.
 */
export const PARQUET_ROW_GROUP_ROWS = 16_384;

/** Instants as TIMESTAMP_MICROS (UTC), exact to the microsecond; 64-bit integers as INT64; jsonb as JSON text. */
const PARQUET_TYPE: Record<ColumnType, ParquetType> = {
  text: 'UTF8',
  uuid: 'UTF8',
  int: 'INT32',
  bigint: 'INT64',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP_MICROS',
  json: 'JSON',
};

/** Parquet (@dsnp/parquetjs): one column per dataset column, nullable ones OPTIONAL, Snappy-compressed pages. */
export class ParquetEncoder implements ExportEncoder {

  private constructor(
    private readonly writer: ParquetWriter,
    private readonly out: ResponseWriter,
    private readonly jsonColumns: readonly string[],
  ) {}

  static async open(dataset: Dataset, out: ResponseWriter): Promise<ParquetEncoder> {
    const schema = new ParquetSchema(Object.fromEntries(dataset.columns.map((c) => [c.name, { type: PARQUET_TYPE[c.type], optional: c.nullable, compression: 'SNAPPY' }])));
    // The writer awaits each write's callback, called once the socket took the bytes: backpressure. The writer
    // leaves some writes unawaited (the header, indexes), so a failure is never handed to it, where it would be an
    // unhandled rejection: the response writer keeps it, and write() and end() throw it.
    const settle = (callback: () => void) => () => callback();
    const sink = {
      write: (chunk: Buffer, callback: () => void) => void out.write(chunk).then(settle(callback), settle(callback)),
      end: (callback: () => void) => void out.end().then(settle(callback), settle(callback)),
    };
    const writer = await ParquetWriter.openStream(schema, sink as never, { rowGroupSize: PARQUET_ROW_GROUP_ROWS });
    return new ParquetEncoder(writer, out, dataset.columns.filter((c) => c.type === 'json').map((c) => c.name));
  }

  async write(rows: readonly StoredRow[]): Promise<void> {
    // Values go in as pg returned them: int8 (instants in µs too) as decimal text, which the INT64 types read exactly.
    for (const row of rows) {
      await this.writer.appendRow(this.jsonColumns.length === 0 ? row : withJsonWrapped(row, this.jsonColumns));
      this.out.throwIfFailed();
    }
  }

  async end(): Promise<void> {
    await this.writer.close();
    this.out.throwIfFailed();
  }
}

/**
 * The writer takes an array as the values of a repeated field, so a JSON array would become several values
 * (or fail): each JSON value goes in wrapped, as an object whose JSON text is the value's own.
 */
function withJsonWrapped(row: StoredRow, jsonColumns: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...row };
  for (const name of jsonColumns) {
    const value = row[name];
    if (value !== null && value !== undefined) out[name] = { toJSON: () => value };
  }
  return out;
}
