/**
 * Alert latency: how long after a threshold crossing a webhook receiver hears of it, for
 * - airan window rules (shipped `InferenceLoadHigh`, inferenceLoad > 0.9): webhook received − the
 *   `closed_at` of the window in `load.cell_windows` (also shown: − the Kafka timestamp of the window's
 *   `airan.cell-load.v1` message, and − the 202 of the request whose heartbeat closed the window);
 * - airan sample rules (`GpuPowerHigh`, powerW > 600, created with `PUT /v1/rules/<id>`): webhook
 *   received − the moment ingest answered 202 to the POST carrying the crossing GPU sample;
 * - Prometheus + Alertmanager on the same crossing (`airan_bench_inference_load > 0.9`, for 0s), scraping
 *   a gauge the bench serves: webhook received − the wall time the gauge flipped (prometheus.bench.ts).
 * Crossings are one at a time, `gapMs` + up to `jitterMs` apart (the jitter decorrelates them from
 * Prometheus' 1 s scrape and evaluation ticks), each on its own alert instance, after one unmeasured
 * warm-up crossing that proves the path works end to end.
 */
import { randomBytes } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { testKafka } from '../support/test-kafka';
import { Client } from 'pg';
import { FLEET } from '@airan/demo-fleet';
import { ServiceProcess } from '../support/service-process';
import { type Isolation, createApiKey, dropDatabase, isolate, postWithNewKey } from '../support/stack';
import { AlertExpectations, BenchHttpServer, type WebhookAlert, settleWithin, wallNow } from './alert-receiver';
import { type AlertBenchOptions, type AlertLatencyResult, type AlertPhaseResult, type AlertProgress, figures, pause, sleep, unavailable } from './alert-common';
import { benchPrometheus } from './prometheus.bench';

/** Runs the requested phases: airan's two (one stack, window phase first), then Prometheus alone on the machine. */
export async function benchAlerts(options: AlertBenchOptions, progress: AlertProgress): Promise<AlertLatencyResult> {
  const phases: AlertPhaseResult[] = [];
  if (options.phases.has('window') || options.phases.has('sample')) phases.push(...(await benchAiran(options, progress)));
  if (options.phases.has('prometheus')) phases.push(await benchPrometheus(options, progress));
  const prometheus = phases.find((p) => p.kind === 'prometheus' && p.available && p.n > 0);
  const ratios = prometheus
    ? phases.filter((p) => p.kind !== 'prometheus' && p.available && p.n > 0).map((p) => ({ phase: p.phase, p50: p.p50Ms / prometheus.p50Ms, p99: p.p99Ms / prometheus.p99Ms }))
    : [];
  return { options: { ...options, phases: [...options.phases] }, phases, ratios };
}

interface AiranStack {
  readonly isolation: Isolation;
  readonly server: BenchHttpServer;
  readonly ingest: ServiceProcess;
  readonly api: ServiceProcess;
  readonly keys: { readonly admin: string; readonly operator: ReadonlyMap<string, string> };
}

/** ingest, load, alerting and api on an isolated database and topic prefix, alerting's webhook pointed at the bench. */
async function benchAiran(options: AlertBenchOptions, progress: AlertProgress): Promise<AlertPhaseResult[]> {
  const isolation = isolate();
  const server = await BenchHttpServer.start();
  const env = { ...isolation.env, LOG_LEVEL: 'error' };
  const services: ServiceProcess[] = [];
  const results: AlertPhaseResult[] = [];
  try {
    progress('airan: starting', 0, 'ingest, load, alerting, api');
    const alerting = await ServiceProcess.start('alerting', { ...env, ALERTING_WEBHOOKS: `bench=${server.url}/hook`, ALERTING_NOTIFY_MAX_BACKOFF_MS: '1000' });
    services.push(alerting);
    const api = await ServiceProcess.start('api', { ...env, API_ALERTING_URL: alerting.url });
    services.push(api);
    const [ingest, load] = await Promise.all([
      ServiceProcess.start('ingest', env),
      ServiceProcess.start('load', {
        ...env,
        LOAD_WINDOW_MS: String(options.windowMs),
        LOAD_OUT_OF_ORDER_MS: String(options.outOfOrderMs),
        LOAD_ALLOWED_LATENESS_MS: String(10 * options.windowMs),
        LOAD_DEFAULT_CELL_GPUS: String(CELL_GPUS),
      }),
    ]);
    services.push(ingest, load);
    const operator = new Map<string, string>();
    for (const op of FLEET) {
      const { key } = await createApiKey(isolation, 'operator', op.id);
      // Keys reach ingest over the registry topic: the first request waits until this one is known.
      await postWithNewKey(`${ingest.url}/v1/telemetry`, key, { records: [{ type: 'heartbeat', siteId: op.sites[0].id, ts: new Date(Date.now() - 7_200_000).toISOString() }] });
      operator.set(op.id, key);
    }
    const { key: admin } = await createApiKey(isolation, 'admin', 'bench');
    const stack: AiranStack = { isolation, server, ingest, api, keys: { admin, operator } };
    // Window phase first: it uses event times an hour back, which the sample phase's "now" samples would make late.
    if (options.phases.has('window')) results.push(await windowPhase(stack, options, progress));
    if (options.phases.has('sample')) results.push(await samplePhase(stack, options, progress));
    return results;
  } finally {
    await Promise.all(services.map((s) => s.stop()));
    await server.close();
    await dropDatabase(isolation);
  }
}

/** GPUs load allocates to a cell the registry does not describe (the window phase's cells). */
const CELL_GPUS = 0.25;

async function postRecords(url: string, key: string, records: unknown[]): Promise<number> {
  const response = await fetch(`${url}/v1/telemetry`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ records }) });
  const acceptedAt = wallNow();
  const body = (await response.json()) as { accepted?: number; rejected?: number };
  if (response.status !== 202 || body.rejected) throw new Error(`ingest answered ${response.status} ${JSON.stringify(body)}`);
  return acceptedAt;
}

/**
 * One cell per crossing, each in its own 5 s event-time window an hour back (2 windows apart, so event
 * time only moves forward): a sample reporting 1.5× its GPU allocation, then a heartbeat of the same
 * site at window end + out-of-order delay, which moves the partition's watermark past the window and
 * so closes it. Load stores the window with `closed_at = now()` (the start of the transaction that
 * closed it) and relays it through its outbox; alerting's `InferenceLoadHigh` fires.
 */
async function windowPhase(stack: AiranStack, options: AlertBenchOptions, progress: AlertProgress): Promise<AlertPhaseResult> {
  const label = 'airan window rule';
  const op = FLEET[0];
  const site = op.sites[0].id;
  const key = stack.keys.operator.get(op.id)!;
  const { windowMs, outOfOrderMs, crossings: n } = options;
  let nextWindow = Math.floor((Date.now() - 3_600_000) / windowMs) * windowMs;
  const expectations = new AlertExpectations(stack.server);
  const kafkaTimes = new Map<string, number>();
  const kafka = testKafka('airan-bench-alerts', stack.isolation.env.KAFKA_BROKERS.split(','));
  const consumer = kafka.consumer({ groupId: `bench-alerts-${randomBytes(4).toString('hex')}` });
  const db = new Client({ connectionString: stack.isolation.databaseUrl });
  const state = { sent: 0, received: 0 };
  const ticker = setInterval(() => progress(label, (state.sent + state.received) / (2 * n), `${state.received}/${n} alerts`), 250);
  try {
    await db.connect();
    await consumer.connect();
    await consumer.subscribe({ topic: `${stack.isolation.topicPrefix}airan.cell-load.v1`, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const cellId = message.key?.toString();
        const value = JSON.parse(message.value?.toString() ?? '{}') as { revision?: number };
        if (cellId && value.revision === 0 && !kafkaTimes.has(cellId)) kafkaTimes.set(cellId, Number(message.timestamp));
      },
    });
    const cross = async (cellId: string) => {
      const start = nextWindow;
      nextWindow += 2 * windowMs;
      const alert = expectations.expect('/hook', (a: WebhookAlert) => a.labels.alertname === 'InferenceLoadHigh' && a.labels.cell === cellId);
      const gpuMs = 1.5 * CELL_GPUS * 1000;
      await postRecords(stack.ingest.url, key, [{ type: 'cell', siteId: site, cellId, ts: new Date(start + 1000).toISOString(), intervalMs: 1000, gpuMs, inferenceRequests: 10 }]);
      const closeAccepted = await postRecords(stack.ingest.url, key, [{ type: 'heartbeat', siteId: site, ts: new Date(start + windowMs + outOfOrderMs).toISOString() }]);
      return { cellId, alert: alert.then((at) => (state.received++, at)), closeAccepted };
    };

    progress(label, 0, 'warm-up crossing');
    const warm = await cross(`${site}-bench-warm`);
    const [warmAt] = await settleWithin([warm.alert], 60_000);
    state.received = 0;
    if (warmAt === undefined) return unavailable(label, 'window', n, 'InferenceLoadHigh did not fire on the warm-up window within 60 s');

    const sent: Array<Awaited<ReturnType<typeof cross>>> = [];
    for (let i = 0; i < n; i++) {
      sent.push(await cross(`${site}-bench-c${i}`));
      state.sent++;
      if (i < n - 1) await pause(options);
    }
    const received = await settleWithin(sent.map((s) => s.alert), options.timeoutMs);
    progress(label, 1, `${state.received}/${n} alerts`);
    // Kafka timestamps: the relay may still be a moment behind the consumer here; wait briefly for them.
    for (let t = 0; t < 50 && sent.some((s) => !kafkaTimes.has(s.cellId)); t++) await sleep(100);
    const rows: Array<{ cell_id: string; closed_ms: number }> = (
      await db.query(`SELECT cell_id, extract(epoch FROM closed_at) * 1000 AS closed_ms FROM load.cell_windows WHERE cell_id = ANY($1) AND revision = 0`, [sent.map((s) => s.cellId)])
    ).rows;
    const closedAt = new Map(rows.map((r) => [r.cell_id, Number(r.closed_ms)]));
    const latency = (from: (s: (typeof sent)[number]) => number | undefined) =>
      sent.map((s, i) => {
        const origin = from(s);
        return received[i] === undefined || origin === undefined ? null : received[i]! - origin;
      });
    const primary = latency((s) => closedAt.get(s.cellId));
    const missing = received.filter((r) => r === undefined).length;
    return {
      phase: label,
      kind: 'window',
      available: true,
      crossings: n,
      latenciesMs: primary,
      unclaimedAlerts: expectations.unclaimed,
      ...figures('load.cell_windows.closed_at (start of the transaction that closed the window)', primary),
      also: [
        figures('Kafka timestamp of the window on airan.cell-load.v1 (outbox relay send time)', latency((s) => kafkaTimes.get(s.cellId))),
        figures('202 of the POST whose heartbeat closed the window', latency((s) => s.closeAccepted)),
      ],
      ...(missing > 0 ? { note: `${missing} of ${n} crossings got no alert within ${options.timeoutMs} ms` } : {}),
    };
  } finally {
    clearInterval(ticker);
    expectations.close();
    await consumer.disconnect().catch(() => undefined);
    await db.end().catch(() => undefined);
  }
}

/** The sample rule the phase creates, exactly as the rules API contract shows it (defaults fill the rest). */
export const GPU_POWER_RULE = { alertname: 'GpuPowerHigh', kind: 'sample', source: 'gpu', all: [{ metric: 'powerW', op: '>', threshold: 600 }], severity: 'critical' } as const;
const RULE_ID = 'bench-gpu-power-high';

interface GpuInstance {
  readonly operatorId: string;
  readonly siteId: string;
  readonly node: string;
  readonly device: string;
}

/** A GPU alert's labels name the node and the device (as `gpu`, or in some label ending with it). */
function isInstance(labels: Readonly<Record<string, string>>, { node, device }: GpuInstance): boolean {
  const values = Object.values(labels);
  if (values.includes(node)) return labels.gpu === device || labels.device === device || values.some((v) => v === device || v.endsWith(`/${device}`) || v.endsWith(`:${device}`));
  return values.some((v) => v.includes(node) && v.endsWith(device));
}

/**
 * Creates `GpuPowerHigh` through the api, then for each crossing posts one GPU sample at 700 W for a
 * device of its own (`bench-gpu<i>` on the GPU node of each demo site in turn: alerting labels GPU
 * alerts by node and device from the sample, so every crossing is a new alert instance, as in the
 * window phase, and flap damping never comes into play). Latency = webhook received − the moment
 * that POST got its 202.
 */
async function samplePhase(stack: AiranStack, options: AlertBenchOptions, progress: AlertProgress): Promise<AlertPhaseResult> {
  const label = 'airan sample rule';
  const n = options.crossings;
  progress(label, 0, `PUT /v1/rules/${RULE_ID}`);
  let put: Response;
  try {
    put = await fetch(`${stack.api.url}/v1/rules/${RULE_ID}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${stack.keys.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify(GPU_POWER_RULE),
    });
  } catch (error) {
    return unavailable(label, 'sample', n, `not available: PUT /v1/rules/${RULE_ID} failed: ${(error as Error).message}`);
  }
  const answer = (await put.text()).slice(0, 300);
  if (put.status === 404 || put.status === 405) return unavailable(label, 'sample', n, `not available: PUT /v1/rules/${RULE_ID} answered ${put.status} (sample rules not built yet)`);
  if (!put.ok) return unavailable(label, 'sample', n, `not available: PUT /v1/rules/${RULE_ID} answered ${put.status} ${answer}`);

  const sites = FLEET.flatMap((op) => op.sites.map((s) => ({ operatorId: op.id, siteId: s.id, node: s.gpuNode.hostname })));
  const instance = (device: string, i: number): GpuInstance => ({ ...sites[i % sites.length], device });
  const expectations = new AlertExpectations(stack.server);
  const state = { sent: 0, received: 0 };
  const ticker = setInterval(() => progress(label, (state.sent + state.received) / (2 * n), `${state.received}/${n} alerts`), 250);
  const cross = async (g: GpuInstance) => {
    const key = stack.keys.operator.get(g.operatorId)!;
    const alert = expectations.expect('/hook', (a) => a.labels.alertname === GPU_POWER_RULE.alertname && isInstance(a.labels, g));
    const sample = { type: 'gpu', siteId: g.siteId, node: g.node, device: g.device, ts: new Date().toISOString(), utilPct: 95, aiShare: 0.7, radioShare: 0.2, powerW: 700 };
    const accepted = await postRecords(stack.ingest.url, key, [sample]);
    return { alert: alert.then((at) => (state.received++, at)), accepted };
  };
  try {
    progress(label, 0, 'warm-up crossing');
    const warm = await cross(instance('bench-gpu-warm', 0));
    const [warmAt] = await settleWithin([warm.alert], 60_000);
    state.received = 0;
    if (warmAt === undefined) {
      return unavailable(label, 'sample', n, `not available: PUT /v1/rules/${RULE_ID} answered ${put.status}, but GpuPowerHigh did not fire on the warm-up sample within 60 s (${expectations.unclaimed} unclaimed firing alerts)`);
    }
    const sent: Array<Awaited<ReturnType<typeof cross>>> = [];
    for (let i = 0; i < n; i++) {
      sent.push(await cross(instance(`bench-gpu${i}`, i + 1)));
      state.sent++;
      if (i < n - 1) await pause(options);
    }
    const received = await settleWithin(sent.map((s) => s.alert), options.timeoutMs);
    progress(label, 1, `${state.received}/${n} alerts`);
    const latencies = sent.map((s, i) => (received[i] === undefined ? null : received[i]! - s.accepted));
    const missing = received.filter((r) => r === undefined).length;
    return {
      phase: label,
      kind: 'sample',
      available: true,
      crossings: n,
      latenciesMs: latencies,
      unclaimedAlerts: expectations.unclaimed,
      ...figures('202 of the POST carrying the crossing GPU sample', latencies),
      also: [],
      ...(missing > 0 ? { note: `${missing} of ${n} crossings got no alert within ${options.timeoutMs} ms` } : {}),
    };
  } finally {
    clearInterval(ticker);
    expectations.close();
  }
}
