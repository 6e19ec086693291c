import { Inject, Injectable } from '@nestjs/common';
import { Client } from 'pg';
import Cursor from 'pg-cursor';
import { INFRA, type ServiceInfra } from '@airan/http';
import type { BuiltQuery } from '../history/history.query';
import { unavailableIfMissing } from '../history/history.repository';
import type { StoredRow } from '../history/history.rows';

/** Names the export's Postgres session, so that ops (and tests) can find it in pg_stat_activity. */
export const EXPORT_APPLICATION_NAME = 'airan-api-export';

/**
 * Planner settings of export sessions. An export is planned for its whole result, and a sequential scan
 * plus a sort often costs less in total than reading an index in order: but the sort would produce nothing
 * until it had read the whole range, holding it on the server, and a stalled client would leave it done
 * for nothing. Without sorts, each export reads an index in key order and streams from its first row.
 */
export const EXPORT_PLANNER_SETTINGS = { enable_sort: 'off', enable_incremental_sort: 'off' } as const;

/** A query's rows, fetched a batch at a time as the reader asks. */
export interface RowCursor {
  /** The next rows, at most `count`; none once the result is exhausted. */
  read(count: number): Promise<StoredRow[]>;
  /** Closes the cursor and its connection (idempotent). */
  close(): Promise<void>;
}

/**
 * Opens export queries as server-side cursors (pg-cursor: a portal fetched `count` rows at a time), each on
 * a connection of its own, outside the api's pool: an export lasts as long as its client reads, and must
 * never starve history queries or the consumers. Postgres produces the next rows only when asked, so a
 * client that stops reading leaves the query suspended, holding its snapshot and nothing else.
 */
@Injectable()
export class ExportCursorRepository {
  constructor(@Inject(INFRA) private readonly infra: ServiceInfra) {}

  async open(query: BuiltQuery): Promise<RowCursor> {
    const client = new Client({
      connectionString: this.infra.config.DATABASE_URL,
      application_name: EXPORT_APPLICATION_NAME,
      options: Object.entries(EXPORT_PLANNER_SETTINGS).map(([name, value]) => `-c ${name}=${value}`).join(' '),
    });
    // An error on the idle connection (the server ends it) surfaces through the next read instead of crashing the process.
    client.on('error', () => undefined);
    await client.connect();
    const cursor = client.query(new Cursor<StoredRow>(query.sql, query.params));
    let closed = false;
    return {
      read: async (count) => {
        try {
          return await cursor.read(count);
        } catch (error) {
          throw unavailableIfMissing(error);
        }
      },
      close: async () => {
        if (closed) return;
        closed = true;
        await cursor.close().catch(() => undefined);
        await client.end().catch(() => undefined);
      },
    };
  }
}
