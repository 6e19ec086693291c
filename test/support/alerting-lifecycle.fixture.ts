import { type IncomingMessage, type Server, createServer } from 'node:http';
import { Partitioners, type Producer } from 'kafkajs';
import { testKafka } from './test-kafka';
import { Client } from 'pg';
import { type AlertEvent, CELL_LOAD_SCHEMA, type CellLoadWindow, type CellSample, type GpuSample, TELEMETRY_SCHEMA, type TelemetryReport, stableEventId } from '@airan/contracts';
import type { AlertmanagerWebhook } from '@airan/rule-engine';
import { ServiceProcess } from './service-process';
import { eventually, freePort, isolate } from './stack';
import { TopicReader } from './topic-reader';

export type Webhook = AlertmanagerWebhook;
export interface PagerDutyEvent {
  readonly routing_key: string;
  readonly event_action: 'trigger' | 'acknowledge' | 'resolve';
  readonly dedup_key: string;
  readonly payload?: Record<string, unknown> & { severity: string };
  readonly links?: unknown;
}
export interface HistoryRow {
  readonly status: string;
  readonly change: string;
  readonly actor: string | null;
  readonly value: number | null;
  readonly evaluatedAt: number;
}

export type AlertingLifecycle = ReturnType<typeof alertingLifecycle>;

export interface AlertingLifecycleOptions {
  /**
   * More webhook receivers, by name, each answering every request with its status: 500 for a broken
   * receiver (retried), 400 for one that refuses (given up). Their bodies land in `answered`, not `webhooks`.
   */
  readonly answeringReceivers?: Readonly<Record<string, number>>;
}

/**
 * The alert lifecycle's fixture, shared by the test/alerting-lifecycle-*.e2e-spec.ts files: one alerting
 * process in its own isolation (database, topics, groups), a real broker and Postgres. Windows and raw
 * reports are produced straight onto their topics; a local HTTP server is both the webhook receiver and
 * PagerDuty. Call it in a describe body and hook `start` and `stop` to beforeAll and afterAll; `alerting`
 * and `db` exist once started. Every test has its own sites and cells, so alerts and notification
 * groups never mix.
 */
export function alertingLifecycle(options: AlertingLifecycleOptions = {}) {
  const isolation = isolate();
  const webhooks: Webhook[] = [];
  const answering = options.answeringReceivers ?? {};
  const answered: Array<{ receiver: string; status: number; body: Webhook }> = [];
  const pagerDuty: PagerDutyEvent[] = [];
  const EXTERNAL = 'http://airan.example:3000';
  const ZERO = '0001-01-01T00:00:00Z';
  let server: Server;
  let alerting: ServiceProcess;
  let producer: Producer;
  let alertTopic: TopicReader<AlertEvent>;
  let db: Client;

  // Windows run an hour behind the wall clock, on whole minutes: window k ends at at(k).
  const T0 = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000;
  const at = (k: number) => T0 + (k + 1) * 60_000;
  const iso = (ms: number) => new Date(ms).toISOString();

  const window = (site: string, cell: string, k: number, values: Partial<CellLoadWindow>): CellLoadWindow => ({
    schema: CELL_LOAD_SCHEMA, id: stableEventId('lifecycle-window', cell, k), operatorId: 'kt', siteId: site, cellId: cell, pilotId: null,
    windowStart: iso(T0 + k * 60_000), windowEnd: iso(at(k)), revision: 0, sampleCount: 4, coverage: 1, aiGpuMs: null, capacityGpuMs: 15_000, radioGpuMs: null,
    inferenceLoad: 0.5, radioLoad: null, headroom: null, requests: 100, tokens: 1000, tokensPerSec: 1000 / 60, latencyP95Ms: 80,
    prbDlPct: 40, prbUlPct: 10, thpDlMbps: 200, thpUlMbps: 30, rrcConnectedUes: 50, sourceTraceIds: [], ...values,
  });
  const sendWindows = (...windows: CellLoadWindow[]) =>
    producer.send({ topic: `${isolation.topicPrefix}airan.cell-load.v1`, acks: -1, messages: windows.map((w) => ({ key: w.cellId, value: JSON.stringify(w) })) });

  let reports = 0;
  const report = (site: string, records: { cells?: CellSample[]; gpus?: GpuSample[] }): TelemetryReport => ({
    schema: TELEMETRY_SCHEMA, id: stableEventId('lifecycle-report', site, reports++), operatorId: 'kt', siteId: site, keyId: '0123456789ab',
    receivedAt: Date.now(), cells: records.cells ?? [], gpus: records.gpus ?? [], heartbeats: [],
  });
  const sendReport = (r: TelemetryReport) => producer.send({ topic: `${isolation.topicPrefix}airan.telemetry.v1`, acks: -1, messages: [{ key: r.siteId, value: JSON.stringify(r) }] });

  const ops = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${alerting.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${isolation.env.ALERTING_OPS_TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': typeof body === 'string' ? 'application/yaml' : 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    const json = response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined;
    return { status: response.status, text, body: json as any, contentType: response.headers.get('content-type') };
  };

  /** Waits until `probe` answers something (not undefined, not false). */
  const until = <T>(probe: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 30_000): Promise<T> =>
    eventually(async () => {
      const found = await probe();
      if (found === undefined || found === false) throw new Error(`timed out waiting for ${what}`);
      return found;
    }, timeoutMs);

  /** Webhook bodies announcing a change of this alert (the change is the first alert; the rest is its group). */
  const hooksOf = (fp: string) => webhooks.filter((w) => w.alerts[0].fingerprint === fp);
  /** Webhook bodies that mention this alert at all. */
  const hooksMentioning = (fp: string) => webhooks.filter((w) => w.alerts.some((a) => a.fingerprint === fp));
  const pdOf = (fp: string) => pagerDuty.filter((e) => e.dedup_key === `airan-${fp}`);
  const eventsOf = (fp: string) => alertTopic.messages.map((m) => m.value).filter((e) => e.fingerprint === fp);

  const history = async (fp: string): Promise<HistoryRow[]> => {
    const { rows } = await db.query<{ status: string; change: string; actor: string | null; value: number | null; evaluated_at: Date }>(
      'SELECT status, change, actor, value, evaluated_at FROM alerting.alert_history WHERE fingerprint = $1 ORDER BY recorded_at, evaluated_at',
      [fp],
    );
    return rows.map((r) => ({ status: r.status, change: r.change, actor: r.actor, value: r.value, evaluatedAt: r.evaluated_at.getTime() }));
  };
  const changes = async (fp: string) => (await history(fp)).map((r) => `${r.status}/${r.change}`);
  /** What was queued for receivers about this alert: written in the transaction of the change, so exact once the change is in history. */
  const queued = async (fp: string) => {
    const { rows } = await db.query<{ receiver: string; status: string }>('SELECT receiver, status FROM alerting.notifications WHERE fingerprint = $1 ORDER BY created_at, receiver, status', [fp]);
    return rows.map((r) => `${r.receiver}:${r.status}`);
  };
  /** Waits until every notification queued about this alert was delivered (the receiver had it before delivery was recorded). */
  const allDelivered = (fp: string) =>
    until(async () => {
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM alerting.notifications WHERE fingerprint = $1 AND delivered_at IS NULL', [fp]);
      return rows[0].n === 0;
    }, `every notification about ${fp} delivered`);

  const loadHighLabels = (site: string, cell: string) => ({ alertname: 'InferenceLoadHigh', severity: 'warning', operator: 'kt', site, cell, team: 'ran-ops' });

  /** The receiver, the alerting process (ticking every 200 ms, retrying deliveries within 500 ms), a producer, the alerts topic and Postgres. */
  const start = async () => {
    server = createServer((request: IncomingMessage, response) => {
      let raw = '';
      request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      request.on('end', () => {
        const body = JSON.parse(raw);
        const answeringAs = request.url?.startsWith('/answer/') ? request.url.slice('/answer/'.length) : undefined;
        if (answeringAs !== undefined) {
          answered.push({ receiver: answeringAs, status: answering[answeringAs], body });
          response.writeHead(answering[answeringAs]).end('{"error":"as the test says"}');
          return;
        }
        if (request.url === '/pd') pagerDuty.push(body);
        else webhooks.push(body);
        response.writeHead(request.url === '/pd' ? 202 : 200).end();
      });
    });
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    alerting = await ServiceProcess.start('alerting', {
      ...isolation.env,
      ALERTING_WEBHOOKS: [`ops-team=http://127.0.0.1:${port}/hook`, ...Object.keys(answering).map((name) => `${name}=http://127.0.0.1:${port}/answer/${name}`)].join(','),
      ALERTING_PAGERDUTY_URL: `http://127.0.0.1:${port}/pd`,
      ALERTING_PAGERDUTY_ROUTING_KEY: 'test-key',
      ALERTING_EXTERNAL_URL: EXTERNAL,
      ALERTING_TICK_MS: '200',
      ALERTING_NOTIFY_MAX_BACKOFF_MS: '500',
    });
    const kafka = testKafka('alerting-lifecycle-test', isolation.env.KAFKA_BROKERS.split(','));
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    alertTopic = await TopicReader.open<AlertEvent>(`${isolation.topicPrefix}airan.alerts.v1`, isolation.env.KAFKA_BROKERS.split(','));
    db = new Client({ connectionString: isolation.databaseUrl });
    await db.connect();
  };

  /** Stops whatever `start` got to start (the test environment removes the isolation's database and topics afterwards). */
  const stop = async () => {
    await alertTopic?.close();
    await producer?.disconnect();
    await db?.end();
    await alerting?.stop();
    await new Promise((resolve) => server?.close(resolve));
  };

  return {
    isolation, webhooks, pagerDuty, answered, EXTERNAL, ZERO, T0, at, iso,
    window, sendWindows, report, sendReport, ops, until,
    hooksOf, hooksMentioning, pdOf, eventsOf, history, changes, queued, allDelivered, loadHighLabels,
    start, stop,
    /** The alerting process (once started). */
    get alerting(): ServiceProcess {
      return alerting;
    },
    /** A connection to the isolation's database (once started). */
    get db(): Client {
      return db;
    },
  };
}
