import { Client } from 'pg';
import { type CellLoadWindow, type CellSample, type GpuSample, type RegistryEvent, TELEMETRY_SCHEMA } from '@airan/contracts';
import { StreamProducer } from './support/kafka-test-tools';
import { ServiceProcess } from './support/service-process';
import { eventually, isolate } from './support/stack';
import { TopicReader } from './support/topic-reader';

/**
 * A fixed sample set through the real load service — disorder, duplicates, a late sample within the
 * allowed lateness and samples beyond it, GPU-node attribution — gives windows whose every metric equals
 * the hand-computed value exactly (all inputs are chosen so that every figure is exact in float64).
 *
 * Site lguplus-seoul-magok-01 (demo registry): one GPU node serving cells c1–c3, 0.25 GPU each.
 * Window (T0, T0 + 60 s]; watermark = max event time − 10 s; allowed lateness 60 s.
 */
describe('load: windows from a fixed sample set', () => {
  const isolation = isolate();
  const SITE = 'lguplus-seoul-magok-01';
  const [C1, C2, C3] = [1, 2, 3].map((k) => `${SITE}-c${k}`);
  const NODE = `${SITE}-gpu01`;
  const T0 = Date.parse('2026-11-27T00:00:00Z');
  const s = (seconds: number) => T0 + seconds * 1000;
  const services: ServiceProcess[] = [];
  let load: ServiceProcess;
  let producer: StreamProducer;
  let cellLoad: TopicReader<CellLoadWindow>;
  let db: Client;

  type Kpis = [requests: number, tokens: number, p95Ms: number, prbDl: number, prbUl: number, thpDl: number, thpUl: number, ues: number];
  const cell = (cellId: string, seconds: number, intervalS: number, [inferenceRequests, inferenceTokens, latencyP95Ms, prbDlPct, prbUlPct, thpDlMbps, thpUlMbps, rrcConnectedUes]: Kpis, gpuMs?: number): CellSample => ({
    cellId, ts: s(seconds), intervalMs: intervalS * 1000, inferenceRequests, inferenceTokens, latencyP95Ms, prbDlPct, prbUlPct, thpDlMbps, thpUlMbps, rrcConnectedUes, ...(gpuMs === undefined ? {} : { gpuMs }),
  });
  const gpu = (seconds: number, aiShare: number, radioShare: number): GpuSample => ({ node: NODE, device: 'gpu0', ts: s(seconds), aiShare, radioShare });
  let sequence = 0;
  const send = (cells: CellSample[], gpus: GpuSample[] = [], heartbeats: number[] = []) =>
    producer.send([{
      key: SITE,
      value: { schema: TELEMETRY_SCHEMA, id: `r${sequence++}`, operatorId: 'lguplus', siteId: SITE, keyId: 'test', receivedAt: Date.now(), cells, gpus, heartbeats: heartbeats.map(s) },
      headers: { traceparent: `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01` },
    }]);

  /** Every metric of a window, named as in CellLoadWindow; read from load.cell_windows and from the events alike. */
  const METRICS = ['cellId', 'revision', 'sampleCount', 'coverage', 'aiGpuMs', 'capacityGpuMs', 'radioGpuMs', 'inferenceLoad', 'radioLoad', 'headroom', 'requests', 'tokens', 'tokensPerSec', 'latencyP95Ms', 'prbDlPct', 'prbUlPct', 'thpDlMbps', 'thpUlMbps', 'rrcConnectedUes'] as const;
  type Metrics = Pick<CellLoadWindow, (typeof METRICS)[number]>;
  const metricsOf = (event: CellLoadWindow): Metrics => Object.fromEntries(METRICS.map((k) => [k, event[k]])) as Metrics;
  const windows = async (): Promise<Metrics[]> =>
    (
      await db.query(`
        SELECT cell_id AS "cellId", revision, sample_count AS "sampleCount", coverage, ai_gpu_ms AS "aiGpuMs", capacity_gpu_ms AS "capacityGpuMs",
               radio_gpu_ms AS "radioGpuMs", inference_load AS "inferenceLoad", radio_load AS "radioLoad", headroom, requests::int AS requests,
               tokens::int AS tokens, tokens_per_sec AS "tokensPerSec", latency_p95_ms AS "latencyP95Ms", prb_dl_pct AS "prbDlPct", prb_ul_pct AS "prbUlPct",
               thp_dl_mbps AS "thpDlMbps", thp_ul_mbps AS "thpUlMbps", rrc_connected_ues AS "rrcConnectedUes"
        FROM load.cell_windows ORDER BY cell_id`)
    ).rows;
  /** A labelled counter's values from load's /metrics, by label value (`kind`). */
  const counterByKind = async (name: string): Promise<Record<string, number>> => {
    const text = await (await fetch(`${load.url}/metrics`)).text();
    return Object.fromEntries([...text.matchAll(new RegExp(`^${name}\\{kind="(\\w+)"\\} (\\S+)$`, 'gm'))].map(([, kind, value]) => [kind, Number(value)]));
  };

  beforeAll(async () => {
    // A default allocation unlike the registry's 0.25, so a figure computed without the registry shows.
    const env = { ...isolation.env, LOAD_WINDOW_MS: '60000', LOAD_OUT_OF_ORDER_MS: '10000', LOAD_ALLOWED_LATENESS_MS: '60000', LOAD_DEFAULT_CELL_GPUS: '1' };
    services.push(await ServiceProcess.start('api', env));
    // Load must know the node and its cells before the samples: wait for the seeded registry on its topic.
    const registry = await TopicReader.open<RegistryEvent>(`${isolation.topicPrefix}airan.registry.v1`);
    await eventually(async () => {
      const cells = registry.messages.filter((m) => m.value?.type === 'cell' && [C1, C2, C3].includes(m.value.entity.id as string));
      if (cells.length < 3) throw new Error('registry not seeded yet');
    });
    await registry.close();
    services.push((load = await ServiceProcess.start('load', env)));
    producer = await StreamProducer.open(isolation);
    cellLoad = await TopicReader.open(`${isolation.topicPrefix}airan.cell-load.v1`);
    db = new Client({ connectionString: isolation.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await Promise.all([producer?.close(), cellLoad?.close(), db?.end()]);
    await Promise.all(services.map((p) => p.stop()));
  });

  it('computes every metric exactly, closes on the watermark, revises on late data and keeps what is too late', async () => {
    // KPIs per sample: requests, tokens, p95 ms, PRB DL %, PRB UL %, throughput DL / UL Mbit/s, RRC-connected UEs.
    // c1: 15 s samples, requests only (its 45 s sample comes late); c2: two 30 s samples; c3: one 60 s sample with its own GPU-ms.
    await send(
      [cell(C1, 15, 15, [10, 1000, 80, 40, 10, 100, 20, 12]), cell(C1, 60, 15, [10, 3300, 90, 60, 30, 300, 40, 20]), cell(C2, 30, 30, [45, 1500, 60, 20, 5, 50, 10, 6])],
      [gpu(30, 0.5, 0.125)],
    );
    await send(
      [cell(C1, 30, 15, [10, 2000, 120, 50, 20, 200, 30, 16]), cell(C3, 60, 60, [999, 4800, 200, 70, 35, 500, 60, 30], 7500), cell(C2, 60, 30, [45, 2100, 70, 30, 15, 150, 20, 10])],
      [gpu(60, 0.75, 0.25)],
    );
    // Re-sent samples (the GPU one with other values: the first stored wins), and a heartbeat at 70 s:
    // watermark 60 s closes the window.
    await send([cell(C1, 30, 15, [10, 2000, 120, 50, 20, 200, 30, 16])], [gpu(30, 1, 1)], [70]);

    // Node (one device): AI = mean(0.5, 0.75) × 60 s = 37,500 GPU-ms; radio = mean(0.125, 0.25) × 60 s = 11,250,
    // split by allocation (0.25 of 0.75 each) = 3,750 per cell, over 0.25 GPU × 60 s = 15,000: radio load 0.25.
    // c3 reported 7,500 itself; the rest, 37,500 − 7,500 = 30,000, goes by requests: c1 30, c2 90 of 120.
    const capacityGpuMs = 0.25 * 60_000;
    const radioGpuMs = (((0.125 + 0.25) / 2) * 60_000 * 0.25) / 0.75;
    const radioLoad = radioGpuMs / capacityGpuMs;
    const c2 = { cellId: C2, sampleCount: 2, coverage: 1, capacityGpuMs, radioGpuMs, radioLoad, requests: 45 + 45, tokens: 1500 + 2100, tokensPerSec: (1500 + 2100) / 60, latencyP95Ms: 70 };
    const c2Radio = { prbDlPct: (20 + 30) / 2, prbUlPct: (5 + 15) / 2, thpDlMbps: (50 + 150) / 2, thpUlMbps: (10 + 20) / 2, rrcConnectedUes: (6 + 10) / 2 };
    const c3 = {
      cellId: C3, sampleCount: 1, coverage: 1, aiGpuMs: 7500, capacityGpuMs: 0.25 * 60_000, radioGpuMs, inferenceLoad: 7500 / 15_000, radioLoad, headroom: 1 - 0.25 - 0.5,
      requests: 999, tokens: 4800, tokensPerSec: 4800 / 60, latencyP95Ms: 200, prbDlPct: 70, prbUlPct: 35, thpDlMbps: 500, thpUlMbps: 60, rrcConnectedUes: 30,
    };
    const first: Metrics[] = [
      {
        cellId: C1, revision: 0, sampleCount: 3, coverage: 45_000 / 60_000, aiGpuMs: (30_000 * 30) / 120, capacityGpuMs, radioGpuMs, inferenceLoad: 7500 / 15_000, radioLoad, headroom: 1 - 0.25 - 0.5,
        requests: 10 + 10 + 10, tokens: 1000 + 2000 + 3300, tokensPerSec: (1000 + 2000 + 3300) / 45, latencyP95Ms: 120,
        prbDlPct: (40 + 50 + 60) / 3, prbUlPct: (10 + 20 + 30) / 3, thpDlMbps: (100 + 200 + 300) / 3, thpUlMbps: (20 + 30 + 40) / 3, rrcConnectedUes: (12 + 16 + 20) / 3,
      },
      { ...c2, ...c2Radio, revision: 0, aiGpuMs: (30_000 * 90) / 120, inferenceLoad: 22_500 / 15_000, headroom: 1 - 0.25 - 1.5 },
      { ...c3, revision: 0 },
    ];
    await eventually(async () => {
      if ((await windows()).length < 3) throw new Error('window not closed yet');
    });
    expect(await windows()).toEqual(first);

    // c1's 45 s sample, 10 s after the window closed: within the lateness, so all three cells are revised;
    // c1's requests become 150, and the 30,000 split c1 150, c2 90 of 240.
    await send([cell(C1, 45, 15, [120, 6000, 150, 90, 40, 400, 50, 24])]);
    const revised: Metrics[] = [
      {
        cellId: C1, revision: 1, sampleCount: 4, coverage: 1, aiGpuMs: (30_000 * 150) / 240, capacityGpuMs, radioGpuMs, inferenceLoad: 18_750 / 15_000, radioLoad, headroom: 1 - 0.25 - 1.25,
        requests: 10 + 10 + 120 + 10, tokens: 1000 + 2000 + 6000 + 3300, tokensPerSec: (1000 + 2000 + 6000 + 3300) / 60, latencyP95Ms: 150,
        prbDlPct: (40 + 50 + 90 + 60) / 4, prbUlPct: (10 + 20 + 40 + 30) / 4, thpDlMbps: (100 + 200 + 400 + 300) / 4, thpUlMbps: (20 + 30 + 50 + 40) / 4, rrcConnectedUes: (12 + 16 + 24 + 20) / 4,
      },
      { ...c2, ...c2Radio, revision: 1, aiGpuMs: (30_000 * 90) / 240, inferenceLoad: 11_250 / 15_000, headroom: 1 - 0.25 - 0.75 },
      { ...c3, revision: 1 },
    ];
    await eventually(async () => {
      if (!(await windows()).every((w) => w.revision === 1)) throw new Error('not revised yet');
    });
    expect(await windows()).toEqual(revised);

    // Event time moves to 200 s; a c2 sample and a GPU sample for the first window now are too late: kept, counted, no revision.
    await send([], [], [200]);
    await send([cell(C2, 45, 15, [500, 50_000, 999, 100, 100, 999, 999, 999])], [gpu(45, 1, 1)], [210]);
    await eventually(async () => {
      const { rows } = await db.query('SELECT too_late FROM load.cell_samples WHERE cell_id = $1 AND ts = $2', [C2, new Date(s(45))]);
      if (rows.length === 0) throw new Error('too-late sample not stored yet');
      expect(rows[0].too_late).toBe(true);
    });
    const { rows: offsets } = await db.query('SELECT sum(next_offset)::int AS applied FROM load.consumer_offsets');
    expect(offsets[0].applied).toBe(6);
    expect(await windows()).toEqual(revised);
    const { rows: stored } = await db.query(`
      SELECT (SELECT count(*)::int FROM load.cell_samples) AS cells, (SELECT count(*) FILTER (WHERE too_late)::int FROM load.cell_samples) AS cells_too_late,
             (SELECT count(*)::int FROM load.gpu_samples) AS gpus, (SELECT count(*) FILTER (WHERE too_late)::int FROM load.gpu_samples) AS gpus_too_late`);
    expect(stored[0]).toEqual({ cells: 4 + 2 + 1 + 1, cells_too_late: 1, gpus: 3, gpus_too_late: 1 });
    // One re-sent cell and GPU sample each; one too-late cell and GPU sample each.
    expect(await counterByKind('airan_load_duplicate_samples_total')).toEqual({ cell: 1, gpu: 1 });
    expect(await counterByKind('airan_load_too_late_samples_total')).toEqual({ cell: 1, gpu: 1 });
    // The first close took its samples from memory; the revision, of a window already closed, read them back.
    expect(await counterByKind('airan_load_window_reads_total')).toEqual({ memory: 3, postgres: 3 });

    // Site, pilot and operator rollups (GPU time in GPU-µs): AI 18,750 + 11,250 + 7,500 = the node's 37,500.
    const { rows: rollups } = await db.query('SELECT scope, scope_id, cells, ai_gpu_us::int, capacity_gpu_us::int, radio_gpu_us::int, requests::int, tokens::int FROM load.rollup_windows ORDER BY scope');
    const sums = { cells: 3, ai_gpu_us: 37_500 * 1000, capacity_gpu_us: 3 * 15_000 * 1000, radio_gpu_us: 3 * 3750 * 1000, requests: 150 + 90 + 999, tokens: 12_300 + 3600 + 4800 };
    expect(rollups).toEqual([
      { scope: 'operator', scope_id: 'lguplus', ...sums },
      { scope: 'pilot', scope_id: 'lguplus-ai-ran-2026', ...sums },
      { scope: 'site', scope_id: SITE, ...sums },
    ]);

    // Six events, each with its own stable id, carrying the same figures: three first emissions and three revisions.
    const events = await eventually(async () => {
      const byId = new Map(cellLoad.messages.map((m) => [m.value.id, m.value]));
      if (byId.size < 6) throw new Error(`${byId.size} events so far`);
      return [...byId.values()];
    });
    const byRevision = (a: Metrics, b: Metrics) => a.revision - b.revision || a.cellId.localeCompare(b.cellId);
    expect(events.map(metricsOf).sort(byRevision)).toEqual([...first, ...revised]);
    for (const event of events) expect(event).toMatchObject({ siteId: SITE, operatorId: 'lguplus', pilotId: 'lguplus-ai-ran-2026', windowStart: new Date(s(0)).toISOString(), windowEnd: new Date(s(60)).toISOString() });
  });
});
