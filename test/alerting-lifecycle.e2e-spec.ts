import { type IncomingMessage, type Server, createServer } from 'node:http';
import { Kafka, Partitioners, logLevel, type Producer } from 'kafkajs';
import { Client } from 'pg';
import { parse as parseYaml } from 'yaml';
import { type AlertEvent, CELL_LOAD_SCHEMA, type CellLoadWindow, type CellSample, type GpuSample, TELEMETRY_SCHEMA, type TelemetryReport, stableEventId } from '@airan/contracts';
import { type AlertmanagerWebhook, fingerprint } from '@airan/rule-engine';
import { ServiceProcess } from './support/service-process';
import { dropDatabase, eventually, freePort, isolate } from './support/stack';
import { TopicReader } from './support/topic-reader';

type Webhook = AlertmanagerWebhook;
interface PagerDutyEvent {
  readonly routing_key: string;
  readonly event_action: 'trigger' | 'acknowledge' | 'resolve';
  readonly dedup_key: string;
  readonly payload?: Record<string, unknown> & { severity: string };
  readonly links?: unknown;
}
interface HistoryRow {
  readonly status: string;
  readonly change: string;
  readonly actor: string | null;
  readonly value: number | null;
  readonly evaluatedAt: number;
}

/**
 * The alert lifecycle end to end on one alerting process, a real broker and Postgres: silences,
 * acknowledgement and assignment (PagerDuty), sample rules and the rules API (YAML included), absence
 * with no-data and inhibition, escalation and flap damping. Windows and raw reports are produced
 * straight onto their topics; a local HTTP server is both the webhook receiver and PagerDuty. Every
 * test has its own sites and cells, so alerts and notification groups never mix.
 */
describe('alerting: the alert lifecycle', () => {
  const isolation = isolate();
  const webhooks: Webhook[] = [];
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

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response) => {
      let raw = '';
      request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      request.on('end', () => {
        const body = JSON.parse(raw);
        if (request.url === '/pd') pagerDuty.push(body);
        else webhooks.push(body);
        response.writeHead(request.url === '/pd' ? 202 : 200).end();
      });
    });
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    alerting = await ServiceProcess.start('alerting', {
      ...isolation.env,
      ALERTING_WEBHOOKS: `ops-team=http://127.0.0.1:${port}/hook`,
      ALERTING_PAGERDUTY_URL: `http://127.0.0.1:${port}/pd`,
      ALERTING_PAGERDUTY_ROUTING_KEY: 'test-key',
      ALERTING_EXTERNAL_URL: EXTERNAL,
      ALERTING_TICK_MS: '200',
      ALERTING_NOTIFY_MAX_BACKOFF_MS: '500',
    });
    const kafka = new Kafka({ clientId: 'alerting-lifecycle-test', brokers: isolation.env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    alertTopic = await TopicReader.open<AlertEvent>(`${isolation.topicPrefix}airan.alerts.v1`, isolation.env.KAFKA_BROKERS.split(','));
    db = new Client({ connectionString: isolation.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await alertTopic?.close();
    await producer?.disconnect();
    await db?.end();
    await alerting?.stop();
    await new Promise((resolve) => server?.close(resolve));
    await dropDatabase(isolation);
  });

  describe('silences', () => {
    it('mutes a silenced alert through firing and resolve, and a silence that ends on resolve expires with it', async () => {
      const site = 'lc-silence';
      const cell = `${site}-c1`;
      const fp = fingerprint(loadHighLabels(site, cell));
      const endsAt = new Date(Date.now() + 3_600_000).toISOString();
      const created = await ops('POST', '/internal/v1/silences', { matchers: [`cell="${cell}"`], endsAt, comment: 'cell under maintenance', endsOnResolve: true }, { 'x-airan-actor': 'ops-lee' });
      expect(created.status).toBe(201);
      const silence = created.body;
      expect(silence).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        matchers: [{ name: 'cell', op: '=', value: cell }],
        startsAt: expect.any(Number),
        endsAt: Date.parse(endsAt),
        createdBy: 'ops-lee',
        comment: 'cell under maintenance',
        endsOnResolve: true,
        expiredBy: null,
        createdAt: expect.any(Number),
      });
      expect((await ops('GET', '/internal/v1/silences')).body.silences.map((s: { id: string }) => s.id)).toContain(silence.id);

      await sendWindows(window(site, cell, 0, { inferenceLoad: 1.25 }), window(site, cell, 1, { inferenceLoad: 0.5 }));
      await until(async () => (await changes(fp)).length === 2, 'firing and resolved in history');
      expect(await history(fp)).toEqual([
        { status: 'firing', change: 'state', actor: null, value: 1.25, evaluatedAt: at(0) },
        { status: 'resolved', change: 'state', actor: null, value: 0.5, evaluatedAt: at(1) },
      ]);
      // Both changes were announced on airan.alerts.v1, muted by the silence; no receiver was told of either.
      const [firing, resolved] = await until(() => eventsOf(fp).length === 2 && eventsOf(fp), 'both events on the alerts topic');
      expect(firing).toMatchObject({ status: 'firing', change: 'state', silencedBy: [silence.id], inhibitedBy: null, labels: loadHighLabels(site, cell) });
      expect(resolved).toMatchObject({ status: 'resolved', change: 'state', silencedBy: [silence.id], inhibitedBy: null });
      expect(await queued(fp)).toEqual([]);
      await allDelivered(fp);
      expect(hooksMentioning(fp)).toEqual([]);
      expect(pdOf(fp)).toEqual([]);

      // The resolve ended the silence.
      expect((await ops('GET', '/internal/v1/silences')).body.silences.map((s: { id: string }) => s.id)).not.toContain(silence.id);
      const expired = (await ops('GET', '/internal/v1/silences?expired=true')).body.silences.find((s: { id: string }) => s.id === silence.id);
      expect(expired).toEqual({ ...silence, endsAt: expect.any(Number), expiredBy: 'resolve' });
      expect(expired.endsAt).toBeLessThanOrEqual(Date.now());
      expect(expired.endsAt).toBeGreaterThan(silence.startsAt);
      // An expired silence cannot be expired again.
      expect(await ops('DELETE', `/internal/v1/silences/${silence.id}`)).toMatchObject({ status: 404, body: { error: { code: 'SILENCE_NOT_FOUND' } } });
    });

    it('refuses invalid silences with the offending field, and callers without the ops token', async () => {
      const valid = { matchers: ['cell="lc-silence-c9"'], endsAt: new Date(Date.now() + 3_600_000).toISOString(), comment: 'planned work' };
      const refused = async (body: unknown) => {
        const response = await ops('POST', '/internal/v1/silences', body);
        expect(response.status).toBe(422);
        expect(response.body.error.code).toBe('INVALID_SILENCE');
        return response.body.error.details.map((d: { path: string; code: string }) => `${d.path} ${d.code}`);
      };
      expect(await refused({ ...valid, endsAt: new Date(Date.now() - 60_000).toISOString() })).toEqual(['$.endsAt INVALID_VALUE']);
      expect(await refused({ ...valid, endsAt: 'tomorrow' })).toEqual(['$.endsAt INVALID_VALUE']);
      expect(await refused({ ...valid, endsAt: new Date(Date.now() + 91 * 24 * 3_600_000).toISOString() })).toEqual(['$.endsAt INVALID_VALUE']);
      expect(await refused({ ...valid, matchers: ['cell=~"("'] })).toEqual(['$.matchers[0] INVALID_VALUE']);
      expect(await refused({ ...valid, matchers: ['site="a"', 'not a matcher'] })).toEqual(['$.matchers[1] INVALID_VALUE']);
      expect(await refused({ ...valid, matchers: [] })).toEqual(['$.matchers INVALID_VALUE']);
      expect(await refused({ ...valid, creator: 'me' })).toEqual(['$.creator UNKNOWN_FIELD']);
      expect(await refused({ matchers: valid.matchers, endsAt: valid.endsAt })).toEqual(['$.comment MISSING_FIELD']);

      const anonymous = await fetch(`${alerting.url}/internal/v1/silences`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(valid) });
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toMatchObject({ error: { code: 'MISSING_CREDENTIALS' } });
      const wrongKey = await fetch(`${alerting.url}/internal/v1/silences`, { headers: { authorization: 'Bearer airan_0123456789ab_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });
      expect(wrongKey.status).toBe(401);
      // Nothing refused was stored.
      const all = (await ops('GET', '/internal/v1/silences?expired=true')).body.silences;
      expect(all.filter((s: { comment: string }) => s.comment === 'planned work')).toEqual([]);
    });

    it('tells receivers of an alert still firing when its silence is expired', async () => {
      const site = 'lc-unmute';
      const cell = `${site}-c1`;
      const fp = fingerprint(loadHighLabels(site, cell));
      const created = await ops('POST', '/internal/v1/silences', { matchers: [`cell="${cell}"`], endsAt: new Date(Date.now() + 3_600_000).toISOString(), comment: 'short maintenance' });
      expect(created.status).toBe(201);
      await sendWindows(window(site, cell, 0, { inferenceLoad: 1.25 }));
      await until(async () => (await changes(fp)).length === 1, 'firing in history');
      expect(await queued(fp)).toEqual([]);

      expect((await ops('DELETE', `/internal/v1/silences/${created.body.id}`)).status).toBe(204);
      const [firing] = await until(() => hooksOf(fp).length > 0 && hooksOf(fp), 'the firing alert reaching the webhook once unsilenced');
      expect(firing).toMatchObject({ status: 'firing', alerts: [{ status: 'firing', labels: loadHighLabels(site, cell), startsAt: iso(at(0)), endsAt: ZERO, fingerprint: fp }] });
      expect(await changes(fp)).toEqual(['firing/state', 'firing/unmuted']);

      // Receivers heard it fire, so they hear it resolve.
      await sendWindows(window(site, cell, 1, { inferenceLoad: 0.5 }));
      await until(() => hooksOf(fp).length === 2, 'the resolve reaching the webhook');
      await allDelivered(fp);
      expect(hooksOf(fp).map((w) => w.status)).toEqual(['firing', 'resolved']);
      expect(pdOf(fp).map((e) => e.event_action)).toEqual(['trigger', 'resolve']);
    });

    it('expires a running silence on request, once', async () => {
      const created = await ops('POST', '/internal/v1/silences', { matchers: [{ name: 'site', op: '=~', value: 'lc-expire-.*' }], endsAt: new Date(Date.now() + 3_600_000).toISOString(), comment: 'expire me' });
      expect(created).toMatchObject({ status: 201, body: { matchers: [{ name: 'site', op: '=~', value: 'lc-expire-.*' }], createdBy: 'api', endsOnResolve: false, expiredBy: null } });
      const { id } = created.body;
      expect((await ops('DELETE', `/internal/v1/silences/${id}`)).status).toBe(204);
      expect((await ops('GET', '/internal/v1/silences')).body.silences.map((s: { id: string }) => s.id)).not.toContain(id);
      expect((await ops('GET', '/internal/v1/silences?expired=true')).body.silences.find((s: { id: string }) => s.id === id)).toMatchObject({ id, expiredBy: 'user' });
      expect(await ops('DELETE', `/internal/v1/silences/${id}`)).toMatchObject({ status: 404, body: { error: { code: 'SILENCE_NOT_FOUND' } } });
      expect(await ops('DELETE', '/internal/v1/silences/3f1b8c1e-0000-4000-8000-000000000000')).toMatchObject({ status: 404, body: { error: { code: 'SILENCE_NOT_FOUND' } } });
    });
  });

  describe('acknowledgement and assignment', () => {
    it('acknowledges on PagerDuty (not on the webhook), assigns, and refuses acting on a resolved alert', async () => {
      const site = 'lc-ack';
      const cell = `${site}-c1`;
      const labels = loadHighLabels(site, cell);
      const fp = fingerprint(labels);
      const summary = `Inference load 1.25 on cell ${cell}`;

      await sendWindows(window(site, cell, 0, { inferenceLoad: 1.25 }));
      const [trigger] = await until(() => pdOf(fp).length > 0 && pdOf(fp), 'PagerDuty trigger');
      expect(trigger).toEqual({
        routing_key: 'test-key',
        event_action: 'trigger',
        dedup_key: `airan-${fp}`,
        payload: {
          summary,
          source: cell,
          severity: 'warning',
          timestamp: iso(at(0)),
          component: site,
          group: 'kt',
          class: 'InferenceLoadHigh',
          custom_details: {
            ...labels,
            summary,
            description: `AI inference used 1.25× the GPU capacity allocated to cell ${cell} at site ${site}; the radio stack may be squeezed.`,
            value: 1.25,
          },
        },
        links: [{ href: `${EXTERNAL}/v1/alerts?fingerprint=${fp}`, text: 'airan' }],
      });
      await until(() => hooksOf(fp).length > 0, 'webhook firing');

      const ack = await ops('POST', `/internal/v1/alerts/${fp}/ack`, { comment: 'throttling inference' }, { 'x-airan-actor': 'ops-kim' });
      expect(ack.status).toBe(200);
      expect(ack.body).toMatchObject({
        fingerprint: fp,
        status: 'firing',
        change: 'acknowledged',
        labels,
        acknowledgement: { by: 'ops-kim', at: expect.any(String), comment: 'throttling inference' },
        assignee: null,
        escalatedAt: null,
      });
      expect(Date.now() - Date.parse(ack.body.acknowledgement.at)).toBeLessThan(60_000);

      const acknowledge = await until(() => pdOf(fp).find((e) => e.event_action === 'acknowledge'), 'PagerDuty acknowledge');
      expect(acknowledge).toEqual({ routing_key: 'test-key', event_action: 'acknowledge', dedup_key: `airan-${fp}` });
      // The acknowledgement was queued for PagerDuty alone: webhooks hear state changes and escalations only.
      expect(await queued(fp)).toEqual(['ops-team:firing', 'pagerduty:firing', 'pagerduty:acknowledged']);
      await allDelivered(fp);
      expect(hooksMentioning(fp).map((w) => w.alerts[0].status)).toEqual(['firing']);
      expect(await until(() => eventsOf(fp).find((e) => e.change === 'acknowledged'), 'acknowledged event on the topic')).toEqual(ack.body);

      const unknown = await ops('POST', '/internal/v1/alerts/00000000000000ff/ack', { comment: 'x' });
      expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'ALERT_NOT_FOUND' } } });
      const badBody = await ops('POST', `/internal/v1/alerts/${fp}/ack`, { comment: 5 });
      expect(badBody).toMatchObject({ status: 422, body: { error: { code: 'INVALID_ACTION', details: [{ path: '$.comment' }] } } });

      const assigned = await ops('POST', `/internal/v1/alerts/${fp}/assign`, { assignee: 'ops-park' }, { 'x-airan-actor': 'ops-kim' });
      expect(assigned.status).toBe(200);
      expect(assigned.body).toMatchObject({ fingerprint: fp, change: 'assigned', assignee: 'ops-park', acknowledgement: { by: 'ops-kim' } });

      await sendWindows(window(site, cell, 1, { inferenceLoad: 0.5 }));
      const resolve = await until(() => pdOf(fp).find((e) => e.event_action === 'resolve'), 'PagerDuty resolve');
      expect(resolve).toEqual({ routing_key: 'test-key', event_action: 'resolve', dedup_key: `airan-${fp}` });
      expect((await history(fp)).map((r) => [r.status, r.change, r.actor])).toEqual([
        ['firing', 'state', null],
        ['firing', 'acknowledged', 'ops-kim'],
        ['firing', 'assigned', 'ops-kim'],
        ['resolved', 'state', null],
      ]);
      await allDelivered(fp);
      expect(hooksOf(fp).map((w) => w.status)).toEqual(['firing', 'resolved']);
      expect(pdOf(fp).map((e) => e.event_action)).toEqual(['trigger', 'acknowledge', 'resolve']);

      const late = await ops('POST', `/internal/v1/alerts/${fp}/ack`, { comment: 'too late' }, { 'x-airan-actor': 'ops-kim' });
      expect(late).toMatchObject({ status: 409, body: { error: { code: 'ALERT_NOT_ACTIVE' } } });
      expect(await ops('POST', `/internal/v1/alerts/${fp}/assign`, { assignee: 'ops-park' })).toMatchObject({ status: 409, body: { error: { code: 'ALERT_NOT_ACTIVE' } } });
    });
  });

  describe('sample rules and the rules API', () => {
    const rule = { alertname: 'GpuPowerHigh', kind: 'sample', source: 'gpu', all: [{ metric: 'powerW', op: '>', threshold: 600 }], severity: 'critical' };
    const withDefaults = {
      id: 'gpu-power-high',
      ...rule,
      any: [],
      scope: [],
      forMs: 0,
      keepFiringForMs: 0,
      flap: { windowMs: 600_000, maxTransitions: 4 },
      groupBy: ['alertname', 'site'],
      escalateAfterMs: null,
      labels: {},
      annotations: {},
      enabled: true,
    };

    it('refuses invalid rules with the offending field', async () => {
      const refused = async (id: string, body: unknown) => {
        const response = await ops('PUT', `/internal/v1/rules/${id}`, body);
        expect(response.status).toBe(422);
        expect(response.body.error.code).toBe('INVALID_RULE');
        return response.body.error.details.map((d: { path: string }) => d.path);
      };
      expect(await refused('gpu-bad', { ...rule, all: [{ metric: 'fanRpm', op: '>', threshold: 1 }] })).toEqual(['$.all[0].metric']);
      expect(await refused('gpu-bad', { ...rule, source: undefined })).toEqual(['$.source']);
      expect(await refused('gpu-bad', { ...rule, any: [{ metric: 'powerW', op: '~', threshold: 1 }] })).toEqual(['$.any[0].op']);
      expect(await refused('gpu-bad', { ...rule, labels: { site: 'x' } })).toEqual(['$.labels.site']);
      expect(await refused('gpu-bad', { ...rule, color: 'red' })).toEqual(['$.color']);
      expect(await refused('gpu-bad', { ...rule, id: 'other-id' })).toEqual(['$.id']);
      expect(await refused('Bad_Id', rule)).toEqual(['$.id']);
      expect(await ops('GET', '/internal/v1/rules/gpu-bad')).toMatchObject({ status: 404, body: { error: { code: 'RULE_NOT_FOUND' } } });
    });

    it('creates a sample rule, fires and resolves on raw GPU samples, round-trips YAML, and resolves the alert of a deleted rule', async () => {
      const site = 'lc-sample';
      const created = await ops('PUT', '/internal/v1/rules/gpu-power-high', rule);
      expect(created.status).toBe(201);
      expect(created.body).toEqual(withDefaults);
      // The same PUT again replaces it.
      expect(await ops('PUT', '/internal/v1/rules/gpu-power-high', rule)).toMatchObject({ status: 200, body: withDefaults });

      // parseRule adds no labels of its own (the shipped rules' team label is theirs): the sample's place and the rule's name.
      const labels = { alertname: 'GpuPowerHigh', severity: 'critical', operator: 'kt', site, node: 'lc-gpu-node-1', gpu: 'GPU-0' };
      const fp = fingerprint(labels);
      const gpu = (ts: number, powerW: number): GpuSample => ({ node: 'lc-gpu-node-1', device: 'GPU-0', ts, powerW });
      const ts0 = Date.now() - 60_000;
      await sendReport(report(site, { gpus: [gpu(ts0, 700)] }));
      const [firing] = await until(() => hooksOf(fp).length > 0 && hooksOf(fp), 'webhook firing');
      const amAlert = { labels, annotations: {}, startsAt: iso(ts0), generatorURL: `${EXTERNAL}/v1/alerts?fingerprint=${fp}`, fingerprint: fp };
      const common = {
        version: '4',
        groupKey: `{}:{alertname="GpuPowerHigh", site="${site}"}`,
        truncatedAlerts: 0,
        receiver: 'ops-team',
        groupLabels: { alertname: 'GpuPowerHigh', site },
        commonLabels: labels,
        commonAnnotations: {},
        externalURL: EXTERNAL,
      };
      expect(firing).toEqual({ ...common, status: 'firing', notification_reason: 'alert_firing', alerts: [{ ...amAlert, status: 'firing', endsAt: ZERO }] });

      await sendReport(report(site, { gpus: [gpu(ts0 + 15_000, 500)] }));
      const resolved = await until(() => hooksOf(fp)[1], 'webhook resolved');
      expect(resolved).toEqual({ ...common, status: 'resolved', notification_reason: 'alert_resolved', alerts: [{ ...amAlert, status: 'resolved', endsAt: iso(ts0 + 15_000) }] });

      // Export, then import a changed threshold.
      const exported = await ops('GET', '/internal/v1/rules/export');
      expect(exported.status).toBe(200);
      expect(exported.contentType).toMatch(/^application\/yaml/);
      const doc = parseYaml(exported.text) as { rules: Array<{ id: string }> };
      expect(doc.rules.find((r) => r.id === 'gpu-power-high')).toEqual(withDefaults);
      expect(doc.rules.map((r) => r.id)).toEqual(expect.arrayContaining(['inference-load-high', 'site-silent', 'gpu-power-high']));

      const badImport = await ops('POST', '/internal/v1/rules/import', 'rules:\n  - id: gpu-power-high\n    alertname: GpuPowerHigh\n    kind: sample\n    source: gpu\n    all:\n      - { metric: wattage, op: ">", threshold: 650 }\n');
      expect(badImport).toMatchObject({ status: 422, body: { error: { code: 'INVALID_RULES_YAML', details: [{ path: '$.rules[0].all[0].metric' }] } } });
      const brokenYaml = await ops('POST', '/internal/v1/rules/import', 'rules:\n  - id: [unclosed\n');
      expect(brokenYaml).toMatchObject({ status: 422, body: { error: { code: 'INVALID_RULES_YAML', details: [{ path: '$', message: expect.stringMatching(/^YAML syntax error at line \d+, column \d+/) }] } } });

      const yaml = [
        'rules:',
        '  - id: gpu-power-high',
        '    alertname: GpuPowerHigh',
        '    kind: sample',
        '    source: gpu',
        '    all:',
        '      - metric: powerW',
        "        op: '>'",
        '        threshold: 650',
        '    severity: critical',
        '',
      ].join('\n');
      const imported = await ops('POST', '/internal/v1/rules/import', yaml);
      expect(imported).toMatchObject({ status: 200, body: { created: [], updated: ['gpu-power-high'], deleted: [] } });
      const stored = await ops('GET', '/internal/v1/rules/gpu-power-high');
      expect(stored).toMatchObject({ status: 200, body: { ...withDefaults, all: [{ metric: 'powerW', op: '>', threshold: 650 }] } });

      // 640 fired under the old threshold, not under the new one; 700 does.
      await sendReport(report(site, { gpus: [gpu(ts0 + 30_000, 640)] }));
      await sendReport(report(site, { gpus: [gpu(ts0 + 45_000, 700)] }));
      await until(() => hooksOf(fp).length === 3, 'webhook firing again');
      expect((await history(fp)).map((r) => [r.status, r.value])).toEqual([
        ['firing', 700],
        ['resolved', 500],
        ['firing', 700],
      ]);

      // Deleting the rule resolves its firing alert: receivers are not left with it firing forever.
      expect((await ops('DELETE', '/internal/v1/rules/gpu-power-high')).status).toBe(204);
      const retired = await until(() => hooksOf(fp)[3], 'webhook resolved after delete');
      expect(retired).toMatchObject({ status: 'resolved', alerts: [{ ...amAlert, startsAt: iso(ts0 + 45_000), status: 'resolved' }] });
      expect(await ops('GET', '/internal/v1/rules/gpu-power-high')).toMatchObject({ status: 404, body: { error: { code: 'RULE_NOT_FOUND' } } });
      expect(await ops('DELETE', '/internal/v1/rules/gpu-power-high')).toMatchObject({ status: 404, body: { error: { code: 'RULE_NOT_FOUND' } } });
      expect((await history(fp)).map((r) => r.status)).toEqual(['firing', 'resolved', 'firing', 'resolved']);
      await allDelivered(fp);
      expect(hooksOf(fp).map((w) => w.status)).toEqual(['firing', 'resolved', 'firing', 'resolved']);
    });
  });

  describe('absence, no-data and inhibition', () => {
    it('fires SiteSilent for a silent site, puts its cell alerts in no-data, inhibits new ones, and resolves when the site reports', async () => {
      const site = 'lc-absent';
      const replaced = await ops('PUT', '/internal/v1/rules/site-silent', {
        alertname: 'SiteSilent',
        kind: 'absence',
        target: 'site',
        all: [{ metric: 'silenceMs', op: '>=', threshold: 3000 }],
        severity: 'critical',
        annotations: { summary: 'Site {{ $labels.site }} sent no telemetry' },
      });
      expect(replaced).toMatchObject({ status: 200, body: { id: 'site-silent', kind: 'absence', target: 'site', escalateAfterMs: null, labels: {} } });

      const siteLabels = { alertname: 'SiteSilent', severity: 'critical', operator: 'kt', site };
      const siteFp = fingerprint(siteLabels);
      const c1 = fingerprint(loadHighLabels(site, `${site}-c1`));
      const c2 = fingerprint(loadHighLabels(site, `${site}-c2`));

      // A cell alert fires first, then the site's last report arrives.
      await sendWindows(window(site, `${site}-c1`, 0, { inferenceLoad: 1.25 }));
      await until(() => hooksOf(c1).length > 0, 'cell alert firing');
      const lastReport = report(site, { cells: [{ cellId: `${site}-c1`, ts: Date.now(), intervalMs: 15_000, prbDlPct: 40 }] });
      await sendReport(lastReport);

      const [silent] = await until(() => hooksOf(siteFp).length > 0 && hooksOf(siteFp), 'SiteSilent firing');
      expect(silent).toMatchObject({
        status: 'firing',
        groupKey: `{}:{alertname="SiteSilent", site="${site}"}`,
        alerts: [{ status: 'firing', labels: siteLabels, annotations: { summary: `Site ${site} sent no telemetry` }, fingerprint: siteFp }],
      });
      const [siteFiring] = await history(siteFp);
      expect(siteFiring).toMatchObject({ status: 'firing', change: 'state' });
      expect(siteFiring.evaluatedAt - lastReport.receivedAt).toBeGreaterThanOrEqual(3000);
      expect(siteFiring.value).toBeGreaterThanOrEqual(3000);
      // In the same transaction, the cell's alert lost its evidence: no-data, not resolved, and receivers hear nothing of it.
      expect(await changes(c1)).toEqual(['firing/state', 'nodata/state']);
      expect(await queued(c1)).toEqual(['ops-team:firing', 'pagerduty:firing']);

      // A cell alert that starts while its site is silent is a symptom: inhibited by SiteSilent.
      await sendWindows(window(site, `${site}-c2`, 0, { inferenceLoad: 1.25 }));
      await until(async () => (await changes(c2)).length > 0, 'second cell alert in history');
      expect(await changes(c2)).toEqual(['firing/state']);
      const inhibited = await until(() => eventsOf(c2)[0], 'second cell alert on the alerts topic');
      expect(inhibited).toMatchObject({ status: 'firing', inhibitedBy: siteFp, silencedBy: [] });
      expect(await queued(c2)).toEqual([]);

      // The site reports again: SiteSilent resolves.
      await sendReport(report(site, { cells: [{ cellId: `${site}-c1`, ts: Date.now(), intervalMs: 15_000, prbDlPct: 40 }] }));
      const back = await until(() => hooksOf(siteFp)[1], 'SiteSilent resolved');
      expect(back).toMatchObject({ status: 'resolved', alerts: [{ status: 'resolved', labels: siteLabels, fingerprint: siteFp }] });
      expect(await changes(siteFp)).toEqual(['firing/state', 'resolved/state']);
      // Its inhibitor gone, the cell alert that still fires is announced to receivers now (as Alertmanager would).
      const unmuted = await until(() => hooksOf(c2)[0], 'the formerly inhibited cell alert reaching the webhook');
      expect(unmuted).toMatchObject({ status: 'firing', alerts: [{ status: 'firing', labels: loadHighLabels(site, `${site}-c2`), fingerprint: c2 }] });
      expect(await changes(c2)).toEqual(['firing/state', 'firing/unmuted']);
      expect(eventsOf(c2).find((e) => e.change === 'unmuted')).toMatchObject({ status: 'firing', inhibitedBy: null, silencedBy: [] });
      await allDelivered(c2);
      expect(hooksOf(c2)).toHaveLength(1);
      expect(pdOf(c2).map((e) => e.event_action)).toEqual(['trigger']);
      await allDelivered(siteFp);
      expect(hooksOf(c1).map((w) => w.status)).toEqual(['firing']);
    });
  });

  describe('grouping', () => {
    it('sends each change with the other firing alerts of its group (alertname and site), with the labels they share', async () => {
      const site = 'lc-group';
      const [a, b] = [`${site}-c1`, `${site}-c2`].map((cell) => ({ cell, labels: loadHighLabels(site, cell), fp: fingerprint(loadHighLabels(site, cell)) }));
      await sendWindows(window(site, a.cell, 0, { inferenceLoad: 1.25 }));
      await until(() => hooksOf(a.fp).length === 1, 'first alert of the group');
      await allDelivered(a.fp);
      await sendWindows(window(site, b.cell, 0, { inferenceLoad: 1.5 }));
      const second = await until(() => hooksOf(b.fp)[0], 'second alert of the group');
      const { cell: _, ...shared } = a.labels;
      expect(second).toMatchObject({
        status: 'firing',
        groupKey: `{}:{alertname="InferenceLoadHigh", site="${site}"}`,
        groupLabels: { alertname: 'InferenceLoadHigh', site },
        commonLabels: shared,
      });
      expect(second.alerts.map((alert) => [alert.fingerprint, alert.status])).toEqual([
        [b.fp, 'firing'],
        [a.fp, 'firing'],
      ]);

      // The first resolves: its notice lists the second, still firing; the group's status stays firing.
      await sendWindows(window(site, a.cell, 1, { inferenceLoad: 0.5 }));
      const resolved = await until(() => hooksOf(a.fp)[1], 'resolve of the first alert');
      expect(resolved.status).toBe('firing');
      expect(resolved.alerts.map((alert) => [alert.fingerprint, alert.status])).toEqual([
        [a.fp, 'resolved'],
        [b.fp, 'firing'],
      ]);
    });
  });

  describe('escalation', () => {
    it('escalates a firing alert nobody acknowledged, once, to the webhook and to PagerDuty at critical', async () => {
      const site = 'lc-escalate';
      const cell = `${site}-c1`;
      const put = await ops('PUT', '/internal/v1/rules/load-escalating', {
        alertname: 'LoadEscalating',
        all: [{ metric: 'inferenceLoad', op: '>', threshold: 0.95 }],
        scope: [`cell="${cell}"`],
        escalateAfterMs: 1000,
        annotations: { summary: 'Load {{ $value }} on {{ $labels.cell }}' },
      });
      expect(put).toMatchObject({ status: 201, body: { kind: 'window', severity: 'warning', escalateAfterMs: 1000, scope: [{ name: 'cell', op: '=', value: cell }] } });
      const labels = { alertname: 'LoadEscalating', severity: 'warning', operator: 'kt', site, cell };
      const fp = fingerprint(labels);

      await sendWindows(window(site, cell, 0, { inferenceLoad: 1.25 }));
      const escalation = await until(() => hooksOf(fp)[1], 'escalation on the webhook');
      const [firing] = hooksOf(fp);
      expect(firing).toMatchObject({ status: 'firing', alerts: [{ status: 'firing', labels, annotations: { summary: `Load 1.25 on ${cell}` } }] });
      expect(escalation).toMatchObject({
        status: 'firing',
        alerts: [{ status: 'firing', labels, annotations: { summary: `Load 1.25 on ${cell}`, escalation: `not acknowledged since ${iso(at(0))}` }, fingerprint: fp }],
      });
      const triggers = await until(() => pdOf(fp).length === 2 && pdOf(fp), 'second PagerDuty trigger');
      expect(triggers.map((e) => [e.event_action, e.payload?.severity])).toEqual([
        ['trigger', 'warning'],
        ['trigger', 'critical'],
      ]);
      expect(await changes(fp)).toEqual(['firing/state', 'firing/escalated']);
      const { rows } = await db.query<{ waited: number }>('SELECT (extract(epoch FROM escalated_at - firing_wall_at) * 1000)::float8 AS waited FROM alerting.alert_instances WHERE fingerprint = $1', [fp]);
      expect(rows[0].waited).toBeGreaterThanOrEqual(1000);

      // Escalated once: the resolve is the next and last thing receivers hear.
      await sendWindows(window(site, cell, 1, { inferenceLoad: 0.5 }));
      await until(async () => (await changes(fp)).length === 3, 'resolve in history');
      expect(await changes(fp)).toEqual(['firing/state', 'firing/escalated', 'resolved/state']);
      await allDelivered(fp);
      expect(hooksOf(fp).map((w) => [w.status, w.alerts[0].annotations.escalation ?? null])).toEqual([
        ['firing', null],
        ['firing', `not acknowledged since ${iso(at(0))}`],
        ['resolved', null],
      ]);
      expect(pdOf(fp).map((e) => e.event_action)).toEqual(['trigger', 'trigger', 'resolve']);
    });

    it('does not escalate an acknowledged alert', async () => {
      const site = 'lc-escalate-acked';
      const [acked, ignored] = [`${site}-c1`, `${site}-c2`];
      const put = await ops('PUT', '/internal/v1/rules/load-escalating-acked', {
        alertname: 'LoadEscalatingAcked',
        all: [{ metric: 'inferenceLoad', op: '>', threshold: 0.95 }],
        scope: [`cell=~"${site}-c[12]"`],
        escalateAfterMs: 2000,
      });
      expect(put.status).toBe(201);
      const fpOf = (cell: string) => fingerprint({ alertname: 'LoadEscalatingAcked', severity: 'warning', operator: 'kt', site, cell });

      await sendWindows(window(site, acked, 0, { inferenceLoad: 1.25 }));
      await until(async () => (await changes(fpOf(acked))).length > 0, 'firing in history');
      const ack = await ops('POST', `/internal/v1/alerts/${fpOf(acked)}/ack`, {}, { 'x-airan-actor': 'ops-kim' });
      expect(ack).toMatchObject({ status: 200, body: { change: 'acknowledged', escalatedAt: null } });

      // A second alert of the rule fires after the acknowledgement, so it falls due after the first one: the tick
      // that escalates it would have escalated the first one too, had it not been acknowledged.
      await sendWindows(window(site, ignored, 0, { inferenceLoad: 1.25 }));
      await until(async () => (await changes(fpOf(ignored))).includes('firing/escalated'), 'the second alert escalated');
      expect(await changes(fpOf(acked))).toEqual(['firing/state', 'firing/acknowledged']);
      await allDelivered(fpOf(acked));
      expect(pdOf(fpOf(acked)).map((e) => e.event_action)).toEqual(['trigger', 'acknowledge']);
      expect(hooksOf(fpOf(acked)).map((w) => w.status)).toEqual(['firing']);
    });
  });

  describe('flap damping', () => {
    it('lets the first transitions through, holds the flapping alert firing, and resolves it after a quiet flap window', async () => {
      const site = 'lc-flap';
      const cell = `${site}-c1`;
      const put = await ops('PUT', '/internal/v1/rules/uplink-busy', {
        alertname: 'UplinkBusy',
        all: [{ metric: 'prbUlPct', op: '>', threshold: 50 }],
        scope: [`cell="${cell}"`],
        flap: { windowMs: 600_000, maxTransitions: 4 },
      });
      expect(put.status).toBe(201);
      const fp = fingerprint({ alertname: 'UplinkBusy', severity: 'warning', operator: 'kt', site, cell });

      // Minutes 0..10 toggle above and below (rule-state.spec's sequence), then quiet until minute 20.
      const toggling = Array.from({ length: 11 }, (_, k) => window(site, cell, k, { prbUlPct: k % 2 === 0 ? 90 : 10 }));
      const quiet = Array.from({ length: 10 }, (_, i) => window(site, cell, 11 + i, { prbUlPct: 10 }));
      await sendWindows(...toggling, ...quiet);
      await until(async () => (await changes(fp)).length === 6, 'the flapping episode to resolve');
      expect((await history(fp)).map((r) => [r.status, r.evaluatedAt])).toEqual([
        ['firing', at(0)],
        ['resolved', at(1)],
        ['firing', at(2)],
        ['resolved', at(3)],
        ['firing', at(4)],
        ['resolved', at(20)],
      ]);
      const events = await until(() => eventsOf(fp).length === 6 && eventsOf(fp), 'six events on the alerts topic');
      expect(events.map((e) => [e.status, e.flapping])).toEqual([
        ['firing', false],
        ['resolved', false],
        ['firing', false],
        ['resolved', false],
        ['firing', true],
        ['resolved', true],
      ]);

      // The receiver sees exactly these six notifications, in this order.
      await allDelivered(fp);
      expect(hooksOf(fp).map((w) => [w.status, w.status === 'firing' ? w.alerts[0].startsAt : w.alerts[0].endsAt])).toEqual([
        ['firing', iso(at(0))],
        ['resolved', iso(at(1))],
        ['firing', iso(at(2))],
        ['resolved', iso(at(3))],
        ['firing', iso(at(4))],
        ['resolved', iso(at(20))],
      ]);
      expect(pdOf(fp).map((e) => e.event_action)).toEqual(['trigger', 'resolve', 'trigger', 'resolve', 'trigger', 'resolve']);
    });
  });
});
