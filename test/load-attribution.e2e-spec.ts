import { isDeepStrictEqual } from 'node:util';
import { Client } from 'pg';
import { type CellSample, type GpuSample, type RegistryEvent, TELEMETRY_SCHEMA } from '@airan/contracts';
import { StreamProducer } from './support/kafka-test-tools';
import { ServiceProcess } from './support/service-process';
import { createApiKey, eventually, isolate } from './support/stack';
import { TopicReader } from './support/topic-reader';

/**
 * Attribution through the registry, as the api publishes it on `airan.registry.v1`: a GPU node whose
 * registry id is not its host name (GPU samples carry the host name, as DCGM's `Hostname` label does),
 * two cells on it with their own allocations, and an allocation changed while load runs.
 *
 * Windows of 60 s from T0; default out-of-order 5 s; LOAD_DEFAULT_CELL_GPUS 1, unlike any allocation here.
 */
describe('load: GPU-node attribution from the registry', () => {
  const isolation = isolate();
  const SITE = 'attr-site-01';
  const NODE_ID = 'attr-gpu-7';
  const HOSTNAME = 'aerial-host-7.example.net';
  const [X, Y] = [`${SITE}-x`, `${SITE}-y`];
  const T0 = Date.parse('2026-11-27T00:00:00Z');
  const W = 60_000;
  const services: ServiceProcess[] = [];
  let api: ServiceProcess;
  let admin: string;
  let registryTopic: TopicReader<RegistryEvent | null>;
  let producer: StreamProducer;
  let db: Client;

  const put = async (path: string, body: unknown) => {
    const response = await fetch(`${api.url}/v1/registry/${path}`, { method: 'PUT', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status).toBe(200);
  };
  const cellBody = (allocatedGpus: number) => ({ siteId: SITE, band: 'n78', bandwidthMhz: 100, gpuNodeId: NODE_ID, allocatedGpus });
  /** Waits until the registry topic holds `version` of the cell (what load's registry cache follows). */
  const published = (cellId: string, version: number) =>
    eventually(async () => {
      if (!registryTopic.messages.some((m) => m.key === `cell:${cellId}` && m.value?.version === version)) throw new Error(`cell ${cellId} v${version} not on the registry topic yet`);
    });

  let sequence = 0;
  /**
   * The same telemetry for window n, (T0 + n·W, T0 + (n+1)·W], then a heartbeat 10 s after its end
   * that closes it: X two 30 s samples of 45 requests, Y two of 15; at the window's end one sample per
   * device of the node, named by its host name (gpu0 AI 0.5 / radio 0.25, gpu1 AI 0.25 / radio 0.125).
   * In the first window also a GPU sample named by the node's registry id: another host as far as
   * load can tell, so it must not count.
   */
  const sendWindow = (n: number) => {
    const at = (seconds: number) => T0 + n * W + seconds * 1000;
    const cell = (cellId: string, seconds: number, inferenceRequests: number): CellSample => ({ cellId, ts: at(seconds), intervalMs: 30_000, inferenceRequests });
    const gpu = (node: string, device: string, seconds: number, aiShare: number, radioShare: number): GpuSample => ({ node, device, ts: at(seconds), aiShare, radioShare });
    const gpus = [gpu(HOSTNAME, 'gpu0', 60, 0.5, 0.25), gpu(HOSTNAME, 'gpu1', 60, 0.25, 0.125), ...(n === 0 ? [gpu(NODE_ID, 'gpu0', 30, 1, 1)] : [])];
    return producer.send([{
      key: SITE,
      value: {
        schema: TELEMETRY_SCHEMA, id: `r${sequence++}`, operatorId: 'skt', siteId: SITE, keyId: 'test', receivedAt: Date.now(),
        cells: [cell(X, 30, 45), cell(Y, 30, 15), cell(X, 60, 45), cell(Y, 60, 15)], gpus, heartbeats: [at(70)],
      },
      headers: { traceparent: `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01` },
    }]);
  };
  const windowRows = async (n: number) =>
    (
      await db.query(
        `SELECT cell_id, revision, coverage, requests::int, ai_gpu_ms, capacity_gpu_ms, radio_gpu_ms, inference_load, radio_load, headroom
         FROM load.cell_windows WHERE window_start = $1 ORDER BY cell_id`,
        [new Date(T0 + n * W)],
      )
    ).rows;
  const closedWindow = (n: number) =>
    eventually(async () => {
      const rows = await windowRows(n);
      if (rows.length < 2) throw new Error(`window ${n}: ${rows.length} of 2 cells closed`);
      return rows;
    });
  const siteRollup = async (n: number) =>
    (await db.query('SELECT cells, ai_gpu_us::int, capacity_gpu_us::int, radio_gpu_us::int FROM load.rollup_windows WHERE scope = $1 AND scope_id = $2 AND window_start = $3', ['site', SITE, new Date(T0 + n * W)])).rows;

  beforeAll(async () => {
    const env = { ...isolation.env, LOAD_WINDOW_MS: String(W), LOAD_DEFAULT_CELL_GPUS: '1' };
    services.push((api = await ServiceProcess.start('api', env)));
    admin = (await createApiKey(isolation, 'admin', 'root')).key;
    registryTopic = await TopicReader.open(`${isolation.topicPrefix}airan.registry.v1`);
    await put(`site/${SITE}`, { operatorId: 'skt', pilotId: 'skt-ai-ran-2026', name: 'Attribution test site', latitude: 37.4, longitude: 127.1 });
    await put(`gpu-node/${NODE_ID}`, { siteId: SITE, hostname: HOSTNAME, model: 'L40S', gpuCount: 2 });
    await put(`cell/${X}`, cellBody(0.5));
    await put(`cell/${Y}`, cellBody(0.25));
    // Load reads the registry topic to its end before it is ready: once the cells are on it, load knows them.
    await published(X, 1);
    await published(Y, 1);
    services.push(await ServiceProcess.start('load', env));
    producer = await StreamProducer.open(isolation);
    db = new Client({ connectionString: isolation.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await Promise.all([producer?.close(), registryTopic?.close(), db?.end()]);
    await Promise.all(services.map((p) => p.stop()));
  });

  it('joins GPU samples by host name, uses the registry allocations and follows a change of one', async () => {
    // Node: AI (0.5 + 0.25) × 60 s = 45,000 GPU-ms, radio (0.25 + 0.125) × 60 s = 22,500, both devices added.
    // AI by requests, X 90 and Y 30 of 120; radio by allocation, X 0.5 and Y 0.25 of 0.75.
    await sendWindow(0);
    const before = [
      {
        cell_id: X, revision: 0, coverage: 1, requests: 90, ai_gpu_ms: (45_000 * 90) / 120, capacity_gpu_ms: 0.5 * W, radio_gpu_ms: (22_500 * 0.5) / 0.75,
        inference_load: 33_750 / 30_000, radio_load: 15_000 / 30_000, headroom: 1 - 0.5 - 1.125,
      },
      {
        cell_id: Y, revision: 0, coverage: 1, requests: 30, ai_gpu_ms: (45_000 * 30) / 120, capacity_gpu_ms: 0.25 * W, radio_gpu_ms: (22_500 * 0.25) / 0.75,
        inference_load: 11_250 / 15_000, radio_load: 7500 / 15_000, headroom: 1 - 0.5 - 0.75,
      },
    ];
    expect(await closedWindow(0)).toEqual(before);
    expect(await siteRollup(0)).toEqual([{ cells: 2, ai_gpu_us: 45_000 * 1000, capacity_gpu_us: (0.5 + 0.25) * W * 1000, radio_gpu_us: 22_500 * 1000 }]);

    // Y's allocation goes from 0.25 to 0.5 GPU, through the api and the registry topic, while load runs.
    await put(`cell/${Y}`, cellBody(0.5));
    await published(Y, 2);
    // Load follows the registry on a consumer of its own, which no telemetry can be ordered against: close
    // one window after another until one shows the change. Each window before it must be exactly the old figures.
    // Same telemetry, so the AI split is unchanged; radio now by 0.5 : 0.5 of 1.0, and Y's capacity doubles.
    const after = [
      { ...before[0], radio_gpu_ms: (22_500 * 0.5) / 1, radio_load: 11_250 / 30_000, headroom: 1 - 0.375 - 1.125 },
      { ...before[1], capacity_gpu_ms: 0.5 * W, radio_gpu_ms: (22_500 * 0.5) / 1, inference_load: 11_250 / 30_000, radio_load: 11_250 / 30_000, headroom: 1 - 0.375 - 0.375 },
    ];
    let n = 0;
    const changed = await eventually(async () => {
      await sendWindow(++n);
      const rows = await closedWindow(n);
      if (isDeepStrictEqual(rows, before)) throw new Error(`window ${n} still has the old allocation`);
      return rows;
    }, 60_000, 0);
    expect(changed).toEqual(after);
    expect(await siteRollup(n)).toEqual([{ cells: 2, ai_gpu_us: 45_000 * 1000, capacity_gpu_us: (0.5 + 0.5) * W * 1000, radio_gpu_us: 22_500 * 1000 }]);
    // The GPU sample named by the registry id is stored under that name and joined to no cell.
    const { rows: byNode } = await db.query('SELECT node, count(*)::int AS samples FROM load.gpu_samples GROUP BY node ORDER BY node');
    expect(byNode).toEqual([
      { node: HOSTNAME, samples: 2 * (n + 1) },
      { node: NODE_ID, samples: 1 },
    ]);
  });
});
