import { Kafka, Partitioners, logLevel, type Producer } from 'kafkajs';
import { Client } from 'pg';
import { type CellLoadWindow, type CellSample, type GpuSample, type RegistryEvent, TELEMETRY_SCHEMA, type TelemetryReport } from '@airan/contracts';
import { ServiceProcess, dropDatabase, eventually, isolate } from './support/stack';
import { TopicReader } from './support/topic-reader';

/**
 * A fixed sample set through the real load service — disorder, a duplicate, a late sample within the
 * allowed lateness and one beyond it, GPU-node attribution — gives windows equal to hand-computed values.
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
  let producer: Producer;
  let cellLoad: TopicReader<CellLoadWindow>;
  let db: Client;

  const cell = (cellId: string, seconds: number, intervalS: number, fields: Partial<CellSample>): CellSample => ({ cellId, ts: s(seconds), intervalMs: intervalS * 1000, ...fields });
  const gpu = (seconds: number, aiShare: number, radioShare: number): GpuSample => ({ node: NODE, device: 'gpu0', ts: s(seconds), aiShare, radioShare });
  let sequence = 0;
  const report = (cells: CellSample[], gpus: GpuSample[] = [], heartbeats: number[] = []): TelemetryReport => ({
    schema: TELEMETRY_SCHEMA, id: `r${sequence++}`, operatorId: 'lguplus', siteId: SITE, keyId: 'test', receivedAt: Date.now(), cells, gpus, heartbeats: heartbeats.map(s),
  });
  const send = (r: TelemetryReport) => producer.send({ topic: `${isolation.topicPrefix}airan.telemetry.v1`, acks: -1, messages: [{ key: SITE, value: JSON.stringify(r) }] });
  const windows = async () => (await db.query('SELECT cell_id, revision, sample_count, coverage, requests, ai_gpu_ms, capacity_gpu_ms, radio_gpu_ms, inference_load, radio_load, headroom FROM load.cell_windows ORDER BY cell_id')).rows;

  beforeAll(async () => {
    const env = { ...isolation.env, LOAD_WINDOW_MS: '60000', LOAD_OUT_OF_ORDER_MS: '10000', LOAD_ALLOWED_LATENESS_MS: '60000' };
    services.push(await ServiceProcess.start('api', env));
    // Load must know the node and its cells before the samples: wait for the seeded registry on its topic.
    const registry = await TopicReader.open<RegistryEvent>(`${isolation.topicPrefix}airan.registry.v1`);
    await eventually(async () => {
      const cells = registry.messages.filter((m) => m.value?.type === 'cell' && [C1, C2, C3].includes(m.value.entity.id as string));
      if (cells.length < 3) throw new Error('registry not seeded yet');
    });
    await registry.close();
    services.push(await ServiceProcess.start('load', env));
    const kafka = new Kafka({ clientId: 'load-windows-test', brokers: isolation.env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    cellLoad = await TopicReader.open(`${isolation.topicPrefix}airan.cell-load.v1`);
    db = new Client({ connectionString: isolation.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await Promise.all([producer?.disconnect(), cellLoad?.close(), db?.end()]);
    await Promise.all(services.map((p) => p.stop()));
    await dropDatabase(isolation);
  });

  it('attributes the node, closes on the watermark, revises on late data and keeps what is too late', async () => {
    // c1 reports requests only (its 45 s sample comes late), c2 two 30 s samples, c3 its own GPU-ms.
    await send(report([cell(C1, 15, 15, { inferenceRequests: 10 }), cell(C1, 60, 15, { inferenceRequests: 10 }), cell(C2, 30, 30, { inferenceRequests: 40 })], [gpu(30, 0.5, 0.15)]));
    await send(report([cell(C1, 30, 15, { inferenceRequests: 10 }), cell(C3, 60, 60, { inferenceRequests: 999, gpuMs: 9000 }), cell(C2, 60, 30, { inferenceRequests: 40 })], [gpu(60, 0.7, 0.15)]));
    // A re-sent sample, and a heartbeat at 70 s: watermark 60 s closes the window.
    await send(report([cell(C1, 30, 15, { inferenceRequests: 10 })], [], [70]));

    // Node AI time: mean share 0.6 × 60 s = 36,000 GPU-ms; radio 0.15 × 60 s = 9,000, 3,000 per cell (equal allocations).
    // c3 reported 9,000 itself; the other 27,000 go by requests: c1 30, c2 80 of 110.
    await eventually(async () => {
      if ((await windows()).length < 3) throw new Error('window not closed yet');
    });
    const first = await windows();
    expect(first.map((w) => [w.cell_id, w.revision, w.sample_count, w.requests])).toEqual([
      [C1, 0, 3, '30'],
      [C2, 0, 2, '80'],
      [C3, 0, 1, '999'],
    ]);
    expect(first[0].coverage).toBe(0.75);
    expect(first[0].ai_gpu_ms).toBeCloseTo((27_000 * 30) / 110, 9);
    expect(first[1].ai_gpu_ms).toBeCloseTo((27_000 * 80) / 110, 9);
    expect(first[2]).toMatchObject({ ai_gpu_ms: 9000, capacity_gpu_ms: 15_000, inference_load: 0.6 });

    // c1's 45 s sample, 10 s after the window closed: within the lateness, so all three cells are revised.
    await send(report([cell(C1, 45, 15, { inferenceRequests: 10 })]));
    await eventually(async () => {
      if (!(await windows()).every((w) => w.revision === 1)) throw new Error('not revised yet');
    });
    const revised = await windows();
    const shared = { revision: 1, coverage: 1, capacity_gpu_ms: 15_000, radio_gpu_ms: 3000, radio_load: 0.2 };
    expect(revised[0]).toMatchObject({ ...shared, cell_id: C1, sample_count: 4, requests: '40', ai_gpu_ms: 9000, inference_load: 0.6 });
    expect(revised[1]).toMatchObject({ ...shared, cell_id: C2, sample_count: 2, requests: '80', ai_gpu_ms: 18_000, inference_load: 1.2 });
    expect(revised[2]).toMatchObject({ ...shared, cell_id: C3, sample_count: 1, requests: '999', ai_gpu_ms: 9000, inference_load: 0.6 });
    expect(revised[0].headroom).toBeCloseTo(1 - 0.2 - 0.6, 12);
    expect(revised[1].headroom).toBeCloseTo(1 - 0.2 - 1.2, 12);

    // Event time moves to 200 s; a c2 sample for the first window now is too late: kept, counted, no revision.
    await send(report([], [], [200]));
    await send(report([cell(C2, 45, 15, { inferenceRequests: 50 })], [], [210]));
    await eventually(async () => {
      const { rows } = await db.query('SELECT too_late FROM load.cell_samples WHERE cell_id = $1 AND ts = $2', [C2, new Date(s(45))]);
      if (rows.length === 0) throw new Error('too-late sample not stored yet');
      expect(rows[0].too_late).toBe(true);
    });
    const { rows: offsets } = await db.query('SELECT sum(next_offset)::int AS applied FROM load.consumer_offsets');
    expect(offsets[0].applied).toBe(6);
    expect((await windows()).map((w) => [w.cell_id, w.revision, w.sample_count])).toEqual([
      [C1, 1, 4],
      [C2, 1, 2],
      [C3, 1, 1],
    ]);
    const samples = await db.query('SELECT count(*)::int AS n FROM load.cell_samples');
    expect(samples.rows[0].n).toBe(8);

    // Site, pilot and operator rollups: (9,000 + 18,000 + 9,000) AI GPU-ms over 3 × 15,000 allocated = 0.8.
    const { rows: rollups } = await db.query('SELECT scope, scope_id, cells, ai_gpu_us, capacity_gpu_us, radio_gpu_us, requests FROM load.rollup_windows ORDER BY scope');
    const sums = { cells: 3, ai_gpu_us: '36000000', capacity_gpu_us: '45000000', radio_gpu_us: '9000000', requests: '1119' };
    expect(rollups).toEqual([
      { scope: 'operator', scope_id: 'lguplus', ...sums },
      { scope: 'pilot', scope_id: 'lguplus-ai-ran-2026', ...sums },
      { scope: 'site', scope_id: SITE, ...sums },
    ]);

    // Six events, each with its own stable id: three first emissions and three revisions.
    const events = await eventually(async () => {
      const ids = new Set(cellLoad.messages.map((m) => m.value.id));
      if (ids.size < 6) throw new Error(`${ids.size} events so far`);
      return cellLoad.messages;
    });
    expect(new Set(events.map((m) => `${m.value.cellId}#${m.value.revision}`))).toEqual(new Set([C1, C2, C3].flatMap((c) => [`${c}#0`, `${c}#1`])));
    const latest = events.find((m) => m.value.cellId === C2 && m.value.revision === 1)!.value;
    expect(latest).toMatchObject({ siteId: SITE, operatorId: 'lguplus', pilotId: 'lguplus-ai-ran-2026', inferenceLoad: 1.2, radioLoad: 0.2, aiGpuMs: 18_000, requests: 80 });
  });
});
