import type { StoredRow } from '../history/history.rows';

/** Turns an export's rows into a file format on the response, at the pace the client reads. */
export interface ExportEncoder {
  write(rows: readonly StoredRow[]): Promise<void>;
  /** Writes what the format needs after the last row (Parquet's footer) and ends the response. */
  end(): Promise<void>;
}
