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

export const LOAD_MIGRATIONS = [LoadWindows1764320300000, GpuSampleTemperature1764320800000];
