import { Inject, Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import { CELL_LOAD_SCHEMA, type CellLoadWindow, type Grant, type ShareProduct } from '@airan/contracts';
import { INFRA, type ServiceInfra } from '@airan/http';
import type { HistoryEvent } from '@airan/share-model';
import type { ShareConfig } from '../share.config';

const PAGE = 1000;

/** One page of history and the keyset position after it (undefined after the last). */
interface HistoryPage {
  readonly events: HistoryEvent[];
  readonly next?: readonly unknown[];
}

type CellWindowRow = {
  cell_id: string; s: number; e: number; revision: number; operator_id: string; site_id: string; pilot_id: string | null; sample_count: number; coverage: number;
  ai_gpu_ms: number | null; capacity_gpu_ms: number | null; radio_gpu_ms: number | null; inference_load: number | null; radio_load: number | null; headroom: number | null;
  requests: string; tokens: string; tokens_per_sec: number; latency_p95_ms: number | null; prb_dl_pct: number | null; prb_ul_pct: number | null;
  thp_dl_mbps: number | null; thp_ul_mbps: number | null; rrc_connected_ues: number | null; event_id: string; closed: string;
};

/**
 * The history each backfilled product is rebuilt from, read only, with parameterised SQL over the tables
 * their owners write (load's window revisions, the api's alert read model), in the order the live events
 * of one key were published: a cell's windows as load closed them, an alert's changes as the api applied
 * them from the topic. Each page is read inside the backfill's snapshot.
 */
const HISTORY: Readonly<Partial<Record<ShareProduct, { table: string; read: (q: QueryRunner, grant: Grant, after: readonly unknown[] | undefined) => Promise<HistoryPage> }>>> = {
  'cell-load': { table: 'load.cell_window_revisions', read: async (q, grant, after) => {
    const rows: CellWindowRow[] = await q.query(
      `SELECT t.*, (extract(epoch FROM t.window_start) * 1000)::float8 AS s, (extract(epoch FROM t.window_end) * 1000)::float8 AS e, t.closed_at::text AS closed
       FROM load.cell_window_revisions t
       WHERE t.window_start >= $1::timestamptz AND ($2::timestamptz IS NULL OR t.window_start < $2::timestamptz)
         AND ($3::timestamptz IS NULL OR (t.closed_at, t.window_start, t.cell_id, t.revision) > ($3::timestamptz, $4::timestamptz, $5::text, $6::int))
       ORDER BY t.closed_at, t.window_start, t.cell_id, t.revision LIMIT ${PAGE}`,
      [grant.validFrom, grant.validUntil ?? null, ...(after ?? [null, null, null, null])],
    );
    const last = rows.at(-1);
    return { events: rows.map((r) => ({ key: r.cell_id, event: cellLoadEventOf(r), at: r.s })), next: rows.length === PAGE && last ? [last.closed, new Date(last.s).toISOString(), last.cell_id, last.revision] : undefined };
  } },
  alerts: { table: 'api.alert_events', read: async (q, grant, after) => {
    const rows: Array<{ fingerprint: string; payload: object; at: number; seq: string }> = await q.query(
      `SELECT fingerprint, payload, (extract(epoch FROM evaluated_at) * 1000)::float8 AS at, seq FROM api.alert_events
       WHERE evaluated_at >= $1::timestamptz AND ($2::timestamptz IS NULL OR evaluated_at < $2::timestamptz) AND seq > $3::bigint
       ORDER BY seq LIMIT ${PAGE}`,
      [grant.validFrom, grant.validUntil ?? null, after?.[0] ?? '0'],
    );
    const last = rows.at(-1);
    return { events: rows.map((r) => ({ key: r.fingerprint, event: r.payload, at: r.at })), next: rows.length === PAGE && last ? [last.seq] : undefined };
  } },
};

/**
 * The `airan.cell-load.v1` event of a stored revision, as load published it: the same id and figures
 * (float8 and bigint columns give back exactly what was stored). Its source trace ids are not stored, and
 * never shared: every partner's view leaves them out.
 */
function cellLoadEventOf(r: CellWindowRow): CellLoadWindow {
  return {
    schema: CELL_LOAD_SCHEMA,
    id: r.event_id,
    operatorId: r.operator_id,
    siteId: r.site_id,
    cellId: r.cell_id,
    pilotId: r.pilot_id,
    windowStart: new Date(r.s).toISOString(),
    windowEnd: new Date(r.e).toISOString(),
    revision: r.revision,
    sampleCount: r.sample_count,
    coverage: r.coverage,
    aiGpuMs: r.ai_gpu_ms,
    capacityGpuMs: r.capacity_gpu_ms,
    radioGpuMs: r.radio_gpu_ms,
    inferenceLoad: r.inference_load,
    radioLoad: r.radio_load,
    headroom: r.headroom,
    requests: Number(r.requests),
    tokens: Number(r.tokens),
    tokensPerSec: r.tokens_per_sec,
    latencyP95Ms: r.latency_p95_ms,
    prbDlPct: r.prb_dl_pct,
    prbUlPct: r.prb_ul_pct,
    thpDlMbps: r.thp_dl_mbps,
    thpUlMbps: r.thp_ul_mbps,
    rrcConnectedUes: r.rrc_connected_ues,
    sourceTraceIds: [],
  };
}

/** A consistent view of history (one REPEATABLE READ transaction) for one backfill. */
export class HistorySnapshot {
  constructor(private readonly runner: QueryRunner) {}

  /**
   * The highest outbox row of `topic` in load's outbox this snapshot sees unpublished, if any: once it and
   * those before it are published, every event this snapshot holds is on the source topic.
   */
  async lastUnpublishedOutboxRow(topic: string): Promise<string | undefined> {
    if (!(await exists(this.runner, 'load.outbox'))) return undefined;
    const rows: Array<{ seq: string | null }> = await this.runner.query('SELECT max(seq)::text AS seq FROM load.outbox WHERE topic = $1 AND published_at IS NULL', [topic]);
    return rows[0].seq ?? undefined;
  }

  /** Every history event of the grant's window, a page at a time, in publishing order per key. */
  async *events(product: ShareProduct, grant: Grant): AsyncGenerator<HistoryEvent> {
    const history = HISTORY[product];
    if (!history || !(await exists(this.runner, history.table))) return;
    let after: readonly unknown[] | undefined;
    do {
      const page = await history.read(this.runner, grant, after);
      yield* page.events;
      after = page.next;
    } while (after);
  }

  async close(): Promise<void> {
    await this.runner.commitTransaction().catch(() => undefined);
    await this.runner.release();
  }
}

/** History in Postgres: snapshots to backfill from, and how far its writers have got. */
@Injectable()
export class ShareHistoryRepository {
  constructor(@Inject(INFRA) private readonly infra: ServiceInfra<ShareConfig>) {}

  async snapshot(): Promise<HistorySnapshot> {
    const runner = this.infra.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction('REPEATABLE READ');
    return new HistorySnapshot(runner);
  }

  /** Whether load's outbox has published every row of `topic` up to `seq` (a published row's event is on the topic). */
  async outboxPublishedThrough(topic: string, seq: string): Promise<boolean> {
    const rows: unknown[] = await this.infra.dataSource.query('SELECT 1 FROM load.outbox WHERE topic = $1 AND seq <= $2::bigint AND published_at IS NULL LIMIT 1', [topic, seq]);
    return rows.length === 0;
  }

  /** The next offset of each partition of `topic` the api's read model has applied (its stored offsets). */
  async readModelOffsets(topic: string): Promise<Map<number, bigint>> {
    if (!(await exists(this.infra.dataSource, 'api.consumer_offsets'))) return new Map();
    const rows: Array<{ partition: number; next: string }> = await this.infra.dataSource.query(
      'SELECT partition, max(next_offset)::text AS next FROM api.consumer_offsets WHERE topic = $1 GROUP BY partition',
      [topic],
    );
    return new Map(rows.map((r) => [r.partition, BigInt(r.next)]));
  }
}

/**
 * Whether a table exists: one whose service never ran holds no history. Asked first, since a failed query
 * would end the snapshot's transaction.
 */
async function exists(q: { query: (sql: string, parameters: unknown[]) => Promise<Array<{ present: boolean }>> }, table: string): Promise<boolean> {
  const rows: Array<{ present: boolean }> = await q.query('SELECT to_regclass($1) IS NOT NULL AS present', [table]);
  return rows[0].present;
}
