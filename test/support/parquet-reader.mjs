// Reads a Parquet file with hyparquet, an implementation independent of the writer the api uses, and prints
// its schema and rows as JSON on stdout. Run as a process of its own: hyparquet is an ES module, which the
// CommonJS test runtime cannot load. Values keep their types through JSON: INT64 as { int64: "<digits>" },
// TIMESTAMP_MICROS as { micros: "<digits>" } (exact, not a millisecond Date), null as null.
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';

const file = await asyncBufferFromFile(process.argv[2]);
const metadata = await parquetMetadataAsync(file);
const schema = parquetSchema(metadata).children.map(({ element }) => ({
  name: element.name,
  type: element.type,
  convertedType: element.converted_type ?? null,
  repetition: element.repetition_type,
}));
// `--last-row-group`: decode only the last row group (a large file's footer and tail, without every row in memory).
const lastOnly = process.argv[3] === '--last-row-group';
const rowStart = lastOnly ? Number(metadata.num_rows) - Number(metadata.row_groups.at(-1)?.num_rows ?? 0) : 0;
const rows = await parquetReadObjects({ file, rowStart, parsers: { timestampFromMicroseconds: (micros) => ({ micros: String(micros) }) } });
const typed = (value) => (typeof value === 'bigint' ? { int64: String(value) } : value === undefined ? null : value);
process.stdout.write(
  JSON.stringify({
    rowGroups: metadata.row_groups.length,
    rowCount: Number(metadata.num_rows),
    schema,
    rows: rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typed(v)]))),
  }),
);
