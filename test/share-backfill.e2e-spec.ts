import { Client } from 'pg';
import type { AlertEvent, CellLoadWindow, RollupWindow, TelemetryReport } from '@airan/contracts';
import { evictGroupMembers, kafkaCommittedOffsets } from './support/kafka-test-tools';
import { kcatRead } from './support/kcat';
import { ServiceProcess } from './support/service-process';
import { shareCaughtUp } from './support/share-caught-up';
import { createApiKey, eventually, isolate } from './support/stack';
import { startServices } from './support/start-services';
import { alertEvent, cellLoadEvent, rollupEvent, telemetryReport } from './support/stream-events';
import { TopicWriter } from './support/topic-writer';

const MINUTE = 60_000;
const SOURCES = ['cellLoad', 'alerts', 'telemetry', 'rollups'] as const;
/** The late grant's window starts an hour ago; history reaches back before it. */
const VALID_FROM = new Date(Math.floor(Date.now() / MINUTE) * MINUTE - 60 * MINUTE);
/** Cell-load history: every fifth window is KT's (not granted), the first 200 start before the grant's window. */
const HISTORY_WINDOWS = 2000;
const CELLS = ['skt-seoul-gangnam-01-c1', 'skt-seoul-gangnam-01-c2', 'skt-seoul-gangnam-01-c3', 'kt-daejeon-etri-01-c1'];
/** Telemetry history: every fifth report is KT's, a third were received before the grant's window; more than two chunks are granted. */
const HISTORY_REPORTS = 2400;
const SITES = ['skt-seoul-gangnam-01', 'skt-busan-haeundae-01', 'kt-daejeon-etri-01'];
/** Rollup scopes (scope, id, operator): a site's, a pilot's and an operator's totals of each, and KT's. */
const SCOPES: Array<[RollupWindow['scope'], string, string]> = [['site', 'skt-seoul-gangnam-01', 'skt'], ['pilot', 'skt-ai-ran-2026', 'skt'], ['operator', 'skt', 'skt'], ['operator', 'kt', 'kt']];
/** A history event's time: from half an hour before the grant's window to its first hour, never later than now. */
const historyTime = (n: number) => VALID_FROM.getTime() + ((n % 90) - 30) * MINUTE;

/**
 * A grant written while events flow: share first backfills the partner's topics from history within the
 * grant's window (load's window revisions and the api's alert read model in Postgres; the rollup and
 * telemetry topics themselves), then continues live.
 * Read with kcat (read_committed), the topics hold every granted event exactly once, in per-key order,
 * redacted as the live path redacts, though share is killed (SIGKILL) with a backfill transaction open and
 * again at the seam, right after the backfill committed and before the live path resumed.
 */
describe('share: a grant added late is backfilled, then live', () => {
  const isolation = isolate();
  const env = { ...isolation.env, LOG_LEVEL: 'info' };
  let api: ServiceProcess;
  let share: ServiceProcess;
  let writer: TopicWriter;
  let db: Client;
  let admin: string;
  let windowNumber = 0;
  /** Every event written, in the order written (per key, the order of its source partition). */
  const cellLoads: CellLoadWindow[] = [];
  const alerts: AlertEvent[] = [];
  const rollups: RollupWindow[] = [];
  const reports: TelemetryReport[] = [];
  const partnerTopic = (product: string) => `${isolation.topicPrefix}airan.share.yonsei.${product}.v1`;

  /** Windows as load closes them: each stored (every revision kept), then published, as its outbox relay does. */
  async function closeWindows(count: number): Promise<void> {
    const events = Array.from({ length: count }, () => {
      const n = windowNumber++;
      const cellId = CELLS[n % 5 === 4 ? 3 : n % 3];
      const operatorId = cellId.startsWith('kt') ? 'kt' : 'skt';
      const windowStart = new Date(VALID_FROM.getTime() + (n - 200) * MINUTE);
      const event = cellLoadEvent({ operatorId, siteId: cellId.slice(0, -3), cellId, pilotId: operatorId === 'skt' ? 'skt-ai-ran-2026' : null });
      return { ...event, windowStart: windowStart.toISOString(), windowEnd: new Date(windowStart.getTime() + MINUTE).toISOString(), tokens: n, inferenceLoad: n / 7 };
    });
    await db.query(
      `INSERT INTO load.cell_window_revisions (cell_id, window_start, window_end, revision, operator_id, site_id, pilot_id, sample_count, coverage, ai_gpu_ms,
         capacity_gpu_ms, radio_gpu_ms, inference_load, radio_load, headroom, requests, tokens, tokens_per_sec, latency_p95_ms, prb_dl_pct, prb_ul_pct, thp_dl_mbps,
         thp_ul_mbps, rrc_connected_ues, event_id)
       SELECT "cellId", "windowStart", "windowEnd", revision, "operatorId", "siteId", "pilotId", "sampleCount", coverage, "aiGpuMs", "capacityGpuMs", "radioGpuMs",
         "inferenceLoad", "radioLoad", headroom, requests, tokens, "tokensPerSec", "latencyP95Ms", "prbDlPct", "prbUlPct", "thpDlMbps", "thpUlMbps", "rrcConnectedUes", id
       FROM json_to_recordset($1::json) AS r("cellId" text, "windowStart" timestamptz, "windowEnd" timestamptz, revision int, "operatorId" text,
         "siteId" text, "pilotId" text, "sampleCount" int, coverage float8, "aiGpuMs" float8, "capacityGpuMs" float8, "radioGpuMs" float8, "inferenceLoad" float8,
         "radioLoad" float8, headroom float8, requests bigint, tokens bigint, "tokensPerSec" float8, "latencyP95Ms" float8, "prbDlPct" float8, "prbUlPct" float8,
         "thpDlMbps" float8, "thpUlMbps" float8, "rrcConnectedUes" float8, id uuid)`,
      [JSON.stringify(events)],
    );
    await writer.send('cellLoad', events, (e) => (e as CellLoadWindow).cellId);
    cellLoads.push(...events);
  }

  /** Alert changes on the topic (the api records each in its read model as it reads them), some evaluated before the grant's window. */
  async function raiseAlerts(count: number, evaluatedAt?: Date): Promise<void> {
    const events = Array.from({ length: count }, (_, i) => {
      const event = alertEvent(i % 3 === 2 ? { operator: 'kt', site: 'kt-daejeon-etri-01', cell: 'kt-daejeon-etri-01-c1', severity: 'warning' } : { operator: 'skt', site: 'skt-seoul-gangnam-01', cell: CELLS[i % 3], severity: 'critical' });
      return evaluatedAt ? { ...event, evaluatedAt: evaluatedAt.toISOString(), startsAt: evaluatedAt.toISOString() } : event;
    });
    await writer.send('alerts', events, (e) => (e as AlertEvent).fingerprint);
    alerts.push(...events);
  }

  /** Site reports as ingest writes them; `history` ones were received at times around the grant's start, the others now. */
  async function sendReports(count: number, history: boolean): Promise<void> {
    const events = Array.from({ length: count }, (_, i) => {
      const report = telemetryReport(i % 5 === 4 ? 'kt' : 'skt', i % 5 === 4 ? SITES[2] : SITES[i % 2]);
      return history ? { ...report, receivedAt: historyTime(reports.length + i) } : report;
    });
    await writer.send('telemetry', events, (e) => (e as TelemetryReport).siteId);
    reports.push(...events);
  }

  /** Rollups as load's outbox publishes them: every scope's window, then a second version of it; `history` ones of windows around the grant's start. */
  async function publishRollups(windows: number, history: boolean): Promise<void> {
    const events = Array.from({ length: windows }, (_, i) => {
      const windowStart = new Date(history ? historyTime(rollups.length + i) : Math.floor(Date.now() / MINUTE) * MINUTE).toISOString();
      return SCOPES.flatMap(([scope, scopeId, operatorId]) => [1, 2].map((version) => ({ ...rollupEvent(scope, scopeId, operatorId), windowStart, version, tokens: version })));
    }).flat();
    await writer.send('rollups', events, (e) => (e as RollupWindow).scopeId);
    rollups.push(...events);
  }

  const progress = async (product: string) => kafkaCommittedOffsets(`${isolation.topicPrefix}airan-share.backfill.yonsei-late`, partnerTopic(product));

  beforeAll(async () => {
    writer = await TopicWriter.open(isolation);
    // Load runs once to create its tables; the windows are then written as it writes them.
    const services = await startServices({ api: env, load: env });
    await services.load.stop();
    api = services.api;
    db = new Client({ connectionString: isolation.databaseUrl });
    await db.connect();
    admin = (await createApiKey(isolation, 'admin', 'root')).key;
  });

  afterAll(async () => {
    await Promise.all([share?.stop(), api?.stop()]);
    await db?.end();
    await writer?.close();
  });

  it('gives backfill, then live data, with nothing missing or twice, across kills during the backfill and at the seam', async () => {
    // A backfill transaction is open with its copies sent when this share dies (its first chunk committed before).
    share = await ServiceProcess.start('share', { ...env, AIRAN_FAULT_POINT: 'share.backfill.sent@2' });
    for (let i = 0; i < HISTORY_WINDOWS; i += 250) await closeWindows(250);
    await raiseAlerts(30, new Date(VALID_FROM.getTime() - 10 * MINUTE));
    await raiseAlerts(300);
    for (let i = 0; i < HISTORY_REPORTS; i += 400) await sendReports(400, true);
    await publishRollups(120, true);
    await Promise.all(SOURCES.map((source) => shareCaughtUp(isolation, writer, source)));

    // Events keep flowing while the grant is written, backfilled, and share dies and restarts.
    let flowing = true;
    const flow = (async () => {
      while (flowing) {
        await closeWindows(20);
        await raiseAlerts(3);
        await sendReports(10, false);
        await publishRollups(1, false);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const response = await fetch(`${api.url}/v1/registry/grant/yonsei-late`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      // Telemetry first: the first kill falls in its backfill, read back from its topic.
      body: JSON.stringify({ partnerId: 'yonsei', products: ['telemetry', 'cell-load', 'alerts', 'rollups'], operatorIds: ['skt'], redact: ['tokens', 'annotations'], validFrom: VALID_FROM.toISOString() }),
    });
    try {
      expect(response.status).toBe(200);
      expect((await share.endsByItself()).signal).toBe('SIGKILL');
      expect((await progress('telemetry')).get(0)).toBe(500n);

      // Resumed, it dies again at the seam: everything backfilled and committed, the live path not yet started.
      await evictGroupMembers(`${isolation.topicPrefix}airan-share`);
      share = ServiceProcess.spawn('share', { ...env, AIRAN_FAULT_POINT: 'share.backfill.done@2' });
      expect((await share.endsByItself()).signal).toBe('SIGKILL');
      expect((await progress('cell-load')).get(1)).toBe(1n);

      share = await ServiceProcess.start('share', env);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    } finally {
      flowing = false;
      await flow;
    }
    await Promise.all(SOURCES.map((source) => shareCaughtUp(isolation, writer, source)));

    const granted = <T extends { id: string }>(events: T[], operatorOf: (e: T) => string, at: (e: T) => string) => events.filter((e) => operatorOf(e) === 'skt' && Date.parse(at(e)) >= VALID_FROM.getTime());
    const expectExactlyOnceInOrder = async <T extends { id: string }>(product: string, expected: T[], keyOf: (e: T) => string, view: (e: T) => object) => {
      const messages = await kcatRead(partnerTopic(product));
      const ids = messages.map((m) => (JSON.parse(m.value) as { id: string }).id);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual(expected.map((e) => e.id).sort());
      // Per key, in the order the source holds them.
      const order = (pairs: Array<[string, string]>) => pairs.reduce((m, [key, id]) => m.set(key, [...(m.get(key) ?? []), id]), new Map<string, string[]>());
      expect(order(messages.map((m) => [m.key, (JSON.parse(m.value) as { id: string }).id]))).toEqual(order(expected.map((e) => [keyOf(e), e.id])));
      // Redacted as the live path redacts, and written in one byte form whether backfilled or live.
      const byId = new Map(expected.map((e) => [e.id, e]));
      for (const m of messages) expect(JSON.parse(m.value)).toEqual(view(byId.get((JSON.parse(m.value) as { id: string }).id)!));
      expect(new Set(messages.map((m) => JSON.stringify(Object.keys(JSON.parse(m.value))))).size).toBe(1);
      return messages;
    };
    await expectExactlyOnceInOrder('cell-load', granted(cellLoads, (e) => e.operatorId, (e) => e.windowStart), (e) => e.cellId, ({ tokens: _t, sourceTraceIds: _s, ...view }) => view);
    const alertMessages = await expectExactlyOnceInOrder('alerts', granted(alerts, (e) => e.labels.operator, (e) => e.evaluatedAt), (e) => e.fingerprint, ({ trace: _t, annotations: _a, ...view }) => view);
    for (const m of alertMessages) expect(Object.keys((JSON.parse(m.value) as AlertEvent).labels)).toEqual(['alertname', 'cell', 'operator', 'severity', 'site']);
    await expectExactlyOnceInOrder('rollups', granted(rollups, (e) => e.operatorId, (e) => e.windowStart), (e) => e.scopeId, ({ tokens: _t, ...view }) => view);
    const grantedReports = granted(reports, (e) => e.operatorId, (e) => new Date(e.receivedAt).toISOString());
    await expectExactlyOnceInOrder('telemetry', grantedReports, (e) => e.siteId, ({ keyId: _k, ...view }) => view);
    expect(grantedReports.length).toBeGreaterThan(1000);
    // The history before the seam came from Postgres: the first kill left a chunk committed, the backfill wrote the rest once.
    expect(Number((await progress('cell-load')).get(0))).toBeGreaterThan(1000);
  }, 240_000);
});
