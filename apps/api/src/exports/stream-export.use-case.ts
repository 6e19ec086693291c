import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Principal } from '@airan/auth';
import { INFRA, type ServiceInfra } from '@airan/http';
import { counter } from '@airan/observability';
import type { ApiConfig } from '../api.config';
import type { Dataset } from '../history/history.datasets';
import { buildSelect } from '../history/history.query';
import type { HistoryRoute } from '../history/history.schemas';
import { DataScopeResolver } from '../history/data-scope.resolver';
import { type ParsedSelection, selectionOf } from '../history/history.selection';
import { CsvEncoder } from './csv.encoder';
import { ExportCursorRepository, type RowCursor } from './export-cursor.repository';
import type { ExportEncoder } from './export.encoder';
import { ExportsError } from './exports.errors';
import { EXPORT_CONTENT_TYPES, type ExportFormat } from './exports.schemas';
import { ParquetEncoder } from './parquet.encoder';
import { ResponseWriter, cutOff } from './response.writer';

/** Rows fetched from the cursor per read: one CSV chunk, a slice of a Parquet row group. */
export const EXPORT_BATCH_ROWS = 1000;

const ENCODERS: Record<ExportFormat, { open(dataset: Dataset, out: ResponseWriter): Promise<ExportEncoder> }> = { csv: CsvEncoder, parquet: ParquetEncoder };

const exportsEnded = counter('airan_api_exports_total', 'Exports by format and outcome: complete, failed (after the answer began: client gone, stalled, or an error), refused (busy)', ['format', 'outcome']);

/**
 * Streams a selection as a file from a database cursor to the socket: rows are fetched a batch at a time
 * and the next batch only once the client took the last, so the process never holds the result and a
 * client that stops reading stalls the query. The first batch is read before the answer begins, so a query
 * that fails at once is still an HTTP error; a failure after that cuts the response off (no complete-looking
 * file). At most API_EXPORT_MAX_CONCURRENT exports run at once; more are refused (503, Retry-After).
 */
@Injectable()
export class StreamExportUseCase {
  private running = 0;

  constructor(
    @Inject(INFRA) private readonly infra: ServiceInfra<ApiConfig>,
    private readonly cursors: ExportCursorRepository,
    private readonly scopes: DataScopeResolver,
  ) {}

  async execute(principal: Principal, route: HistoryRoute, format: ExportFormat, query: ParsedSelection, reply: FastifyReply): Promise<void> {
    const { selection } = selectionOf(route, query, await this.scopes.resolve(principal, route, query.operator));
    if (this.running >= this.infra.config.API_EXPORT_MAX_CONCURRENT) {
      exportsEnded.inc({ format, outcome: 'refused' });
      throw new ExportsError('EXPORTS_BUSY', `${this.running} exports are streaming already (API_EXPORT_MAX_CONCURRENT); retry shortly`, undefined, 5);
    }
    this.running++;
    let cursor: RowCursor | undefined;
    let answering = false;
    try {
      cursor = await this.cursors.open(buildSelect(selection));
      let rows = await cursor.read(EXPORT_BATCH_ROWS);
      const encoding = ENCODERS[format];
      reply.hijack();
      answering = true;
      reply.raw.writeHead(200, { 'content-type': EXPORT_CONTENT_TYPES[format], 'content-disposition': `attachment; filename="${route}.${format}"`, 'cache-control': 'no-store' });
      const encoder = await encoding.open(selection.dataset, new ResponseWriter(reply.raw, this.infra.config.API_EXPORT_STALL_TIMEOUT_MS));
      for (; rows.length > 0; rows = await cursor.read(EXPORT_BATCH_ROWS)) await encoder.write(rows);
      await encoder.end();
      exportsEnded.inc({ format, outcome: 'complete' });
    } catch (error) {
      if (!answering) throw error;
      exportsEnded.inc({ format, outcome: 'failed' });
      this.infra.logger.warn({ err: (error as Error).message, route, format }, 'export ended before its last row');
      cutOff(reply.raw);
    } finally {
      this.running--;
      await cursor?.close();
    }
  }
}
