import { Client } from 'pg';
import { type CellLoadWindow, topicNames } from '@airan/contracts';
import { readTopicToEnd } from './kafka-test-tools';
import { type Isolation, eventually } from './stack';
import type { TelemetryStream } from './telemetry-stream';

/**
 * The load service's final state as its integration tests read it (Postgres and the cell-load
 * topic), and how to compare it: with another run's, and with what its input stream makes certain.
 */

export interface LoadState {
  /** Every load.cell_windows row, all columns but closed_at (timestamps as ISO strings), ordered by cell and window. */
  readonly windows: ReadonlyArray<Record<string, unknown>>;
  /**
   * Every load.rollup_windows row (site, pilot, operator), all columns but updated_at and version (how many
   * changes a row saw depends on how batches fell); empty if the table does not exist.
   */
  readonly rollups: ReadonlyArray<Record<string, unknown>>;
  readonly sampleCount: number;
  /** Rows of load.cell_samples stored too late to revise their window. */
  readonly tooLateSampleCount: number;
  /** Rows of load.gpu_samples (null if the table does not exist). */
  readonly gpuSampleCount: number | null;
  /** Rows of load.gpu_samples stored too late (null if the table does not exist). */
  readonly tooLateGpuSampleCount: number | null;
  /** event id → event value, from load.outbox (cell-load events). */
  readonly outbox: ReadonlyMap<string, CellLoadWindow>;
  /** event id → event value, from airan.cell-load.v1 (each id once; see `topicDuplicates`). */
  readonly topic: ReadonlyMap<string, CellLoadWindow>;
  /** How many messages on the topic repeat an id already seen (allowed: the relay is at least once). */
  readonly topicDuplicates: number;
  /** Ids whose copies on the topic differ from each other, from their outbox row, or are keyed by another cell: must be none. */
  readonly inconsistentIds: readonly string[];
}

/** A row with the columns that record processing time (not results) removed and timestamps as ISO strings. */
function comparableRow(row: Record<string, unknown>, processingTimeColumns: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([column]) => !processingTimeColumns.includes(column)).map(([column, value]) => [column, value instanceof Date ? value.toISOString() : value]));
}

/** Reads the load service's tables in an isolation's database. */
export class LoadDatabase {
  private constructor(
    private readonly db: Client,
    private readonly isolation: Isolation,
  ) {}

  static async open(isolation: Isolation): Promise<LoadDatabase> {
    const db = new Client({ connectionString: isolation.databaseUrl });
    await db.connect();
    return new LoadDatabase(db, isolation);
  }

  get groupId(): string {
    return `${this.isolation.topicPrefix}airan-load`;
  }

  get telemetryTopic(): string {
    return topicNames(this.isolation.topicPrefix).telemetry;
  }

  /** The next offset to apply per partition, as stored beside the state (0 before load has created its tables). */
  async consumedOffsets(): Promise<Map<number, bigint>> {
    try {
      const { rows } = await this.db.query('SELECT partition, next_offset FROM load.consumer_offsets WHERE group_id = $1 AND topic = $2', [this.groupId, this.telemetryTopic]);
      return new Map(rows.map((r: { partition: number; next_offset: string }) => [r.partition, BigInt(r.next_offset)]));
    } catch (error) {
      if ((error as { code?: string }).code === '42P01' || (error as { code?: string }).code === '3F000') return new Map(); // table or schema not there yet
      throw error;
    }
  }

  /**
   * Holds every load batch transaction at its first statement (the offset lock) until the returned function
   * releases them: the instances stop applying without leaving their group. Plain reads go on.
   */
  async holdBatches(): Promise<() => Promise<void>> {
    const hold = new Client({ connectionString: this.isolation.databaseUrl });
    await hold.connect();
    await hold.query('BEGIN');
    await hold.query('LOCK TABLE load.consumer_offsets IN EXCLUSIVE MODE');
    return async () => {
      await hold.query('ROLLBACK');
      await hold.end();
    };
  }

  /** Total messages applied (sum of stored next offsets). */
  async consumedTotal(): Promise<number> {
    let total = 0n;
    for (const next of (await this.consumedOffsets()).values()) total += next;
    return Number(total);
  }

  /**
   * What the load process's Postgres sessions are doing right now: inside the consumer's batch
   * transaction (samples, windows, outbox rows and the offset, not committed yet), or inside the
   * outbox relay's transaction while it waits for Kafka to acknowledge the events it claimed (they may
   * be on the topic, but are not marked published yet). Only sessions opened since `since` count: a
   * killed process's session can outlive it until its running statement ends.
   */
  async openTransactions(since: Date): Promise<{ consumer: boolean; relayPublishing: boolean }> {
    const { rows } = await this.db.query(
      `SELECT state, query FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
         AND xact_start IS NOT NULL AND backend_start >= $1`,
      [since],
    );
    let consumer = false;
    let relayPublishing = false;
    for (const { state, query } of rows as Array<{ state: string; query: string }>) {
      if (/"load"\.outbox\s+WHERE published_at IS NULL/.test(query)) relayPublishing ||= state === 'idle in transaction';
      else if (/"load"\.consumer_offsets|load\.(cell_samples|gpu_samples|open_windows|partition_watermarks|cell_windows|rollup_windows)|INTO "load"\.outbox/.test(query)) consumer = true;
    }
    return { consumer, relayPublishing };
  }

  /** Cell-load events the outbox has marked published. */
  async outboxPublished(): Promise<number> {
    const { rows } = await this.db.query('SELECT count(*)::int AS published FROM load.outbox WHERE published_at IS NOT NULL AND topic = $1', [topicNames(this.isolation.topicPrefix).cellLoad]);
    return rows[0].published;
  }

  /** Outbox events not relayed yet. */
  async outboxPending(): Promise<number> {
    const { rows } = await this.db.query('SELECT count(*)::int AS pending FROM load.outbox WHERE published_at IS NULL');
    return rows[0].pending;
  }

  /** Waits until the stored offsets reach the topic's end offsets, then until the outbox is relayed. */
  async waitCaughtUp(ends: ReadonlyMap<number, bigint>, timeoutMs: number, during: Array<Promise<never>> = []): Promise<void> {
    const caughtUp = eventually(async () => {
      const next = await this.consumedOffsets();
      for (const [partition, end] of ends) {
        if ((next.get(partition) ?? 0n) < end) throw new Error(`partition ${partition} applied up to ${next.get(partition) ?? 0n} of ${end}`);
      }
      const pending = await this.outboxPending();
      if (pending > 0) throw new Error(`${pending} outbox events not relayed yet`);
    }, timeoutMs, 200);
    await Promise.race([caughtUp, ...during]);
  }

  /** The final state: windows, rollups, samples, outbox, and the cell-load topic read to its end. */
  async state(): Promise<LoadState> {
    const exists = async (table: string) => (await this.db.query('SELECT to_regclass($1) IS NOT NULL AS found', [table])).rows[0].found as boolean;
    const windows = (await this.db.query('SELECT * FROM load.cell_windows ORDER BY cell_id, window_start')).rows.map((r) => comparableRow(r, ['closed_at']));
    const rollups = (await exists('load.rollup_windows'))
      ? (await this.db.query('SELECT * FROM load.rollup_windows ORDER BY scope, scope_id, window_start')).rows.map((r) => comparableRow(r, ['updated_at', 'version']))
      : [];
    const counts = async (table: 'load.cell_samples' | 'load.gpu_samples') => (await this.db.query(`SELECT count(*)::int AS n, (count(*) FILTER (WHERE too_late))::int AS too_late FROM ${table}`)).rows[0] as { n: number; too_late: number };
    const samples = await counts('load.cell_samples');
    const gpuSamples = (await exists('load.gpu_samples')) ? await counts('load.gpu_samples') : null;
    const cellLoadTopic = topicNames(this.isolation.topicPrefix).cellLoad;
    const { rows: outboxRows } = await this.db.query('SELECT event_id, value FROM load.outbox WHERE topic = $1', [cellLoadTopic]);
    const outbox = new Map<string, CellLoadWindow>(outboxRows.map((r: { event_id: string; value: string }) => [r.event_id, JSON.parse(r.value)]));

    const messages = await readTopicToEnd<CellLoadWindow>(cellLoadTopic);
    const topic = new Map<string, CellLoadWindow>();
    const inconsistent = new Set<string>();
    let topicDuplicates = 0;
    for (const { key, value } of messages) {
      const previous = topic.get(value.id);
      if (previous) {
        topicDuplicates++;
        if (JSON.stringify(previous) !== JSON.stringify(value)) inconsistent.add(value.id);
      }
      if (key !== value.cellId) inconsistent.add(value.id);
      topic.set(value.id, value);
    }
    for (const [id, value] of topic) if (outbox.has(id) && JSON.stringify(outbox.get(id)) !== JSON.stringify(value)) inconsistent.add(id);
    return {
      windows,
      rollups,
      sampleCount: samples.n,
      tooLateSampleCount: samples.too_late,
      gpuSampleCount: gpuSamples?.n ?? null,
      tooLateGpuSampleCount: gpuSamples?.too_late ?? null,
      outbox,
      topic,
      topicDuplicates,
      inconsistentIds: [...inconsistent],
    };
  }

  close(): Promise<void> {
    return this.db.end();
  }
}

/**
 * An event's value with its list of source traces sorted: the list is built in the order Postgres
 * returns the window's samples, which no query fixes, so only its content is comparable across runs.
 */
export function comparableEvent(event: CellLoadWindow): CellLoadWindow {
  return { ...event, sourceTraceIds: [...event.sourceTraceIds].sort() };
}

/** Sorted ids and id → comparable value of a run's events, for exact comparison between runs. */
export function eventsOf(events: ReadonlyMap<string, CellLoadWindow>): { ids: string[]; values: Record<string, CellLoadWindow> } {
  const ids = [...events.keys()].sort();
  return { ids, values: Object.fromEntries(ids.map((id) => [id, comparableEvent(events.get(id)!)])) };
}

/**
 * How a run's final state departs from what its stream makes certain (nothing, for a complete run): every
 * distinct sample stored once and the too-late ones flagged, every window closed, from its on-time
 * samples, with the revision its late reports give it, and one outbox event per revision. At most 20.
 */
export function departuresFromStream(state: LoadState, stream: TelemetryStream): string[] {
  const out: string[] = [];
  const check = (what: string, actual: unknown, expected: unknown) => {
    if (actual !== expected) out.push(`${what}: ${actual}, expected ${expected}`);
  };
  check('cell samples', state.sampleCount, stream.uniqueSamples);
  check('too-late cell samples', state.tooLateSampleCount, stream.tooLateSamples);
  if (state.gpuSampleCount !== null) {
    check('GPU samples', state.gpuSampleCount, stream.uniqueGpuSamples);
    check('too-late GPU samples', state.tooLateGpuSampleCount, 0);
  }
  check('windows', state.windows.length, stream.windows);
  check('samples counted in windows', state.windows.reduce((sum, w) => sum + (w.sample_count as number), 0), stream.uniqueSamples - stream.tooLateSamples);
  const emitted = new Set([...state.outbox.values()].map((e) => `${e.cellId}@${e.windowStart}#${e.revision}`));
  check('events in the outbox', state.outbox.size, state.windows.reduce((sum, w) => sum + (w.revision as number) + 1, 0));
  for (const w of state.windows) {
    const window = `${w.cell_id}@${w.window_start}`;
    check(`${window} revision`, w.revision, stream.revisionOf(w.site_id as string, Date.parse(w.window_start as string)));
    for (let r = 0; r <= (w.revision as number); r++) if (!emitted.has(`${window}#${r}`)) out.push(`${window}: no event for revision ${r}`);
    check(`${window} event's revision`, state.outbox.get(w.event_id as string)?.revision, w.revision);
  }
  return out.slice(0, 20);
}

/**
 * Rows that differ between two equally ordered row lists, where floating-point columns may differ by
 * `relativeTolerance` (rounding of sums taken in another order): up to 20 descriptions, or none.
 */
export function rowDifferences(actual: ReadonlyArray<Record<string, unknown>>, expected: ReadonlyArray<Record<string, unknown>>, relativeTolerance: number): string[] {
  const close = (x: unknown, y: unknown) =>
    x === y || (typeof x === 'number' && typeof y === 'number' && Math.abs(x - y) <= relativeTolerance * Math.max(Math.abs(x), Math.abs(y)));
  const out: string[] = [];
  if (actual.length !== expected.length) out.push(`${actual.length} rows, expected ${expected.length}`);
  for (let i = 0; i < Math.min(actual.length, expected.length) && out.length < 20; i++) {
    const columns = new Set([...Object.keys(actual[i]), ...Object.keys(expected[i])]);
    const differing = [...columns].filter((c) => !close(actual[i][c], expected[i][c]));
    if (differing.length > 0) out.push(`row ${i}: ${differing.map((c) => `${c} ${JSON.stringify(actual[i][c])} (expected ${JSON.stringify(expected[i][c])})`).join(', ')} in ${JSON.stringify(expected[i])}`);
  }
  return out;
}
