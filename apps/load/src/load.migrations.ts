import type { MigrationInterface, QueryRunner } from 'typeorm';

const SAMPLE_COLUMNS = `
        operator_id        text NOT NULL,
        site_id            text NOT NULL,
        traceparent        text,
        too_late           boolean NOT NULL DEFAULT false,
        received_at        timestamptz NOT NULL DEFAULT now()`;

/**
 * Raw samples (each identity once, partitioned by day, see retention/sample-partitions.service.ts), the per-partition
 * watermark, windows awaiting close, closed windows with their latest revision, and rollups.
 */
class LoadWindows1764320300000 implements MigrationInterface {
  name = 'LoadWindows1764320300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE load.cell_samples (
        cell_id            text NOT NULL,
        ts                 timestamptz NOT NULL,
        interval_ms        integer NOT NULL,
        prb_dl_pct         double precision,
        prb_ul_pct         double precision,
        thp_dl_mbps        double precision,
        thp_ul_mbps        double precision,
        rrc_connected_ues  double precision,
        inference_requests bigint,
        inference_tokens   bigint,
        gpu_ms             double precision,
        latency_p95_ms     double precision,${SAMPLE_COLUMNS},
        PRIMARY KEY (cell_id, ts)
      ) PARTITION BY RANGE (ts)`);
    await q.query(`
      CREATE TABLE load.gpu_samples (
        node        text NOT NULL,
        device      text NOT NULL,
        ts          timestamptz NOT NULL,
        util_pct    double precision,
        radio_share double precision,
        ai_share    double precision,
        mem_used_mib double precision,
        power_w     double precision,${SAMPLE_COLUMNS},
        PRIMARY KEY (node, device, ts)
      ) PARTITION BY RANGE (ts)`);
    // Rows outside every daily partition land here instead of failing the batch.
    await q.query('CREATE TABLE load.cell_samples_default PARTITION OF load.cell_samples DEFAULT');
    await q.query('CREATE TABLE load.gpu_samples_default PARTITION OF load.gpu_samples DEFAULT');
    await q.query(`
      CREATE TABLE load.partition_watermarks (
        topic          text    NOT NULL,
        partition      integer NOT NULL,
        max_event_time timestamptz NOT NULL,
        PRIMARY KEY (topic, partition)
      )`);
    await q.query(`
      CREATE TABLE load.open_windows (
        cell_id      text NOT NULL,
        window_start timestamptz NOT NULL,
        window_end   timestamptz NOT NULL,
        topic        text NOT NULL,
        partition    integer NOT NULL,
        operator_id  text NOT NULL,
        site_id      text NOT NULL,
        PRIMARY KEY (cell_id, window_start)
      )`);
    await q.query('CREATE INDEX open_windows_by_end ON load.open_windows (topic, partition, window_end)');
    await q.query(`
      CREATE TABLE load.cell_windows (
        cell_id           text NOT NULL,
        window_start      timestamptz NOT NULL,
        window_end        timestamptz NOT NULL,
        revision          integer NOT NULL,
        operator_id       text NOT NULL,
        site_id           text NOT NULL,
        pilot_id          text,
        sample_count      integer NOT NULL,
        coverage          double precision NOT NULL,
        ai_gpu_ms         double precision,
        capacity_gpu_ms   double precision,
        radio_gpu_ms      double precision,
        inference_load    double precision,
        radio_load        double precision,
        headroom          double precision,
        requests          bigint NOT NULL,
        tokens            bigint NOT NULL,
        tokens_per_sec    double precision NOT NULL,
        latency_p95_ms    double precision,
        prb_dl_pct        double precision,
        prb_ul_pct        double precision,
        thp_dl_mbps       double precision,
        thp_ul_mbps       double precision,
        rrc_connected_ues double precision,
        event_id          uuid NOT NULL,
        closed_at         timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (cell_id, window_start)
      )`);
    await q.query(`
      CREATE TABLE load.rollup_windows (
        scope           text NOT NULL CHECK (scope IN ('site', 'pilot', 'operator')),
        scope_id        text NOT NULL,
        window_start    timestamptz NOT NULL,
        cells           integer NOT NULL,
        -- GPU time in whole GPU-microseconds: integer sums are the same in any order, so a rollup does not
        -- depend on how partitions interleave across instances (float sums would, in the last bit).
        ai_gpu_us       bigint NOT NULL,
        capacity_gpu_us bigint NOT NULL,
        radio_gpu_us    bigint NOT NULL,
        requests        bigint NOT NULL,
        tokens          bigint NOT NULL,
        updated_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, scope_id, window_start)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE load.rollup_windows, load.cell_windows, load.open_windows, load.partition_watermarks, load.gpu_samples, load.cell_samples');
  }
}

/**
 * GPU die temperature (`GpuSample.tempC`, °C). Nullable, no default: a catalogue-only change on the
 * partitioned table, inherited by every existing and future partition; samples stored before it read
 * as "not reported".
 */
class GpuSampleTemperature1764320800000 implements MigrationInterface {
  name = 'GpuSampleTemperature1764320800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE load.gpu_samples ADD COLUMN temp_c double precision');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE load.gpu_samples DROP COLUMN temp_c');
  }
}

/**
 * History over HTTP (the api's `/v1/history/*` and `/v1/exports/*` read these tables):
 * - `cell_window_revisions` keeps every revision of every closed window (`cell_windows` keeps the latest
 *   only), written in the same statement as `cell_windows`. Revisions closed before this migration were
 *   never stored: each window starts with its latest one.
 * - Indexes for each query shape, in the order the api pages in (time, then the row's identity), so a
 *   page is an index range scan whatever the filter: time alone, operator, site, pilot, GPU node (a cell, or a
 *   rollup's id, uses the primary key). The raw sample tables, load's hottest writes, get the fewest: time and
 *   site (and node for GPU samples); an operator's samples are read along the time index, filtered.
 */
class HistoryReads1764321200000 implements MigrationInterface {
  name = 'HistoryReads1764321200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE load.cell_window_revisions (LIKE load.cell_windows INCLUDING DEFAULTS INCLUDING CONSTRAINTS)');
    await q.query('ALTER TABLE load.cell_window_revisions ADD PRIMARY KEY (cell_id, window_start, revision)');
    await q.query('INSERT INTO load.cell_window_revisions SELECT * FROM load.cell_windows');
    for (const [table, tail] of [['cell_windows', 'window_start, cell_id'], ['cell_window_revisions', 'window_start, cell_id, revision']]) {
      await q.query(`CREATE INDEX ${table}_by_time ON load.${table} (${tail})`);
      for (const column of ['operator_id', 'site_id', 'pilot_id']) await q.query(`CREATE INDEX ${table}_by_${column.replace('_id', '')} ON load.${table} (${column}, ${tail})`);
    }
    await q.query('CREATE INDEX rollup_windows_by_time ON load.rollup_windows (scope, window_start, scope_id)');
    await q.query('CREATE INDEX cell_samples_by_time ON load.cell_samples (ts, cell_id)');
    await q.query('CREATE INDEX cell_samples_by_site ON load.cell_samples (site_id, ts, cell_id)');
    await q.query('CREATE INDEX gpu_samples_by_time ON load.gpu_samples (ts, node, device)');
    await q.query('CREATE INDEX gpu_samples_by_site ON load.gpu_samples (site_id, ts, node, device)');
    await q.query('CREATE INDEX gpu_samples_by_node ON load.gpu_samples (node, ts, device)');
  }

  async down(q: QueryRunner): Promise<void> {
    for (const index of ['cell_windows_by_time', 'cell_windows_by_operator', 'cell_windows_by_site', 'cell_windows_by_pilot', 'rollup_windows_by_time', 'cell_samples_by_time', 'cell_samples_by_site', 'gpu_samples_by_time', 'gpu_samples_by_site', 'gpu_samples_by_node']) {
      await q.query(`DROP INDEX load.${index}`);
    }
    await q.query('DROP TABLE load.cell_window_revisions');
  }
}

/**
 * Rollups on `airan.rollups.v1`: each change of a rollup row is an event whose id is derived from its
 * version, which rises in the transaction that moves the totals (existing rows start at 1).
 */
class RollupVersions1764321300000 implements MigrationInterface {
  name = 'RollupVersions1764321300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE load.rollup_windows ADD COLUMN version integer NOT NULL DEFAULT 1');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE load.rollup_windows DROP COLUMN version');
  }
}

/**
 * The api's ingest health (`GET /v1/ingest/health`) counts each site's samples that load stored in the last
 * minutes, by `received_at`, which no index led: every request read every daily partition in full (about 11 s
 * over a month of 3,000 sites; 11 ms with these). A btree, not BRIN: BRIN's plan would hang on the rows'
 * physical order. `received_at` only grows as rows are written, so its inserts land on the rightmost page.
 * Built like HistoryReads: without CONCURRENTLY (not on a partitioned table), so load's writes wait for it.
 */
class IngestHealthReads1764338500000 implements MigrationInterface {
  name = 'IngestHealthReads1764338500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX cell_samples_by_received ON load.cell_samples (received_at)');
    await q.query('CREATE INDEX gpu_samples_by_received ON load.gpu_samples (received_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX load.cell_samples_by_received');
    await q.query('DROP INDEX load.gpu_samples_by_received');
  }
}

export const LOAD_MIGRATIONS = [LoadWindows1764320300000, GpuSampleTemperature1764320800000, HistoryReads1764321200000, RollupVersions1764321300000, IngestHealthReads1764338500000];
