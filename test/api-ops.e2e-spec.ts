import type { AlertEvent } from '@airan/contracts';
import { ServiceProcess } from './support/service-process';
import { createApiKey, eventually, isolate, postWithNewKey } from './support/stack';
import { SseClient, type StreamedEvent, refusal } from './support/stream-clients';

/** The alerts a stream received so far, in order. */
const alertsOf = (client: SseClient) => client.events.map((e) => e.data as unknown as AlertEvent);

/** Waits until `probe` finds what it looks for among the alert events a stream received so far. */
function waitFor<T>(client: SseClient, probe: (alerts: AlertEvent[]) => T | undefined, what: string): Promise<T> {
  return eventually(async () => {
    const found = probe(alertsOf(client));
    if (found === undefined) throw new Error(`stream has not received ${what} yet (${client.events.length} events)`);
    return found;
  }, 60_000);
}

/**
 * The api's ops surface on the real pipeline (ingest → load → alerting → api, a real broker and
 * Postgres): rules and acknowledgements forwarded to alerting as the caller, alert history, and the
 * live alert stream (its first address, /v1/alerts/stream) with filters, heartbeats and resumption by position.
 */
describe('api: ops endpoints, alert history and the live alert stream', () => {
  const isolation = isolate();
  const services: ServiceProcess[] = [];
  const streams: SseClient[] = [];
  let ingest: ServiceProcess;
  let api: ServiceProcess;
  let ops: string;
  let partner: string;
  let operator: string;

  const WINDOW_MS = 60_000;
  const OUT_OF_ORDER_MS = 5_000;
  // Three windows back from now: two whole windows to post, both closed by heartbeats still in the past.
  const t0 = Math.floor(Date.now() / WINDOW_MS) * WINDOW_MS - 3 * WINDOW_MS;
  const at = (offsetMs: number) => new Date(t0 + offsetMs).toISOString();
  const SITE = 'skt-seoul-gangnam-01';
  const CELL = `${SITE}-c1`;

  /** One window of CELL, four 15 s samples of `gpuMs` each (a quarter GPU allocated: 4500 gives load 1.2), then a heartbeat that closes it. */
  const postWindow = async (index: number, gpuMs: number) => {
    const records = [
      ...[15_000, 30_000, 45_000, 60_000].map((offset) => ({
        type: 'cell', siteId: SITE, cellId: CELL, ts: at(index * WINDOW_MS + offset), intervalMs: 15_000, gpuMs, inferenceRequests: 10, prbDlPct: 40, latencyP95Ms: 50,
      })),
      { type: 'heartbeat', siteId: SITE, ts: at((index + 1) * WINDOW_MS + OUT_OF_ORDER_MS) },
    ];
    const response = await postWithNewKey(`${ingest.url}/v1/telemetry`, operator, { records });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ accepted: 5, rejected: 0 });
  };

  /** A call with the ops key, another key, or none (''). */
  const call = (method: string, path: string, key = ops, body?: unknown) =>
    fetch(`${api.url}${path}`, {
      method,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const stream = async (query = '', lastEventId?: string) => {
    const client = await SseClient.open(`${api.url}/v1/alerts/stream${query}`, ops, lastEventId ? { 'last-event-id': lastEventId } : {});
    streams.push(client);
    return client;
  };
  /** Every `path` in a JSON error body, wherever the body keeps its field errors. */
  const paths = (body: unknown): string[] =>
    body && typeof body === 'object' ? Object.entries(body).flatMap(([k, v]) => (k === 'path' && typeof v === 'string' ? [v] : paths(v))) : [];

  beforeAll(async () => {
    const env = { ...isolation.env, LOAD_WINDOW_MS: String(WINDOW_MS), LOAD_OUT_OF_ORDER_MS: String(OUT_OF_ORDER_MS), LOAD_DEFAULT_CELL_GPUS: '0.25' };
    const alerting = await ServiceProcess.start('alerting', env);
    services.push(alerting);
    services.push(...(await Promise.all([ServiceProcess.start('ingest', env), ServiceProcess.start('load', env), ServiceProcess.start('api', { ...env, API_ALERTING_URL: alerting.url, API_STREAM_HEARTBEAT_MS: '1000' })])));
    [, ingest, , api] = services;
    [ops, partner, operator] = (
      await Promise.all([createApiKey(isolation, 'ops', 'noc-kim'), createApiKey(isolation, 'partner', 'etri'), createApiKey(isolation, 'operator', 'skt')])
    ).map((k) => k.key);
  });

  afterAll(async () => {
    streams.forEach((s) => s.close());
    await Promise.all(services.map((s) => s.stop()));
  });

  describe('forwarded to alerting', () => {
    it('lists the shipped rules, one rule, and every rule as YAML', async () => {
      const list = await call('GET', '/v1/rules');
      expect(list.status).toBe(200);
      const { rules } = (await list.json()) as { rules: Array<{ id: string }> };
      expect(rules.map((r) => r.id)).toEqual(expect.arrayContaining(['inference-load-high', 'prb-dl-saturated']));

      const one = await call('GET', '/v1/rules/inference-load-high');
      expect([one.status, ((await one.json()) as { id: string }).id]).toEqual([200, 'inference-load-high']);

      const yaml = await call('GET', '/v1/rules.yaml');
      expect(yaml.status).toBe(200);
      expect(yaml.headers.get('content-type')).toMatch(/yaml/);
      expect(await yaml.text()).toContain('inference-load-high');
    });

    it("relays alerting's 422 for a bad rule, with the offending field's path", async () => {
      const response = await call('PUT', '/v1/rules/bad-threshold', ops, { alertname: 'BadThreshold', kind: 'window', all: [{ metric: 'inferenceLoad', op: '>', threshold: 'high' }], severity: 'warning' });
      expect(response.status).toBe(422);
      const body = await response.json();
      expect(body).toMatchObject({ error: { code: expect.any(String) } });
      expect(paths(body).some((p) => p.endsWith('threshold'))).toBe(true);
    });

    it('lists silences', async () => {
      expect((await call('GET', '/v1/silences')).status).toBe(200);
    });

    it('refuses malformed ids before forwarding, naming the parameter', async () => {
      for (const [method, path, param] of [
        ['GET', '/v1/rules/Not_A_Rule', 'path.id'],
        ['DELETE', '/v1/silences/not-a-uuid', 'path.id'],
        ['POST', '/v1/alerts/NOT-HEX/ack', 'path.fingerprint'],
      ]) {
        const response = await call(method, path);
        expect(response.status).toBe(400);
        expect(await response.json()).toMatchObject({ error: { code: 'INVALID_PATH_PARAMETER', details: [{ path: param }] } });
      }
    });

    it('needs a key of role ops or admin', async () => {
      expect((await call('GET', '/v1/rules', '')).status).toBe(401);
      expect((await call('GET', '/v1/rules', partner)).status).toBe(403);
      expect((await call('POST', '/v1/alerts/00ff00ff00ff00ff/ack', partner, {})).status).toBe(403);
    });
  });

  describe('an alert from the pipeline, live', () => {
    let all: SseClient;
    let matching: SseClient;
    let otherOperator: SseClient;
    let otherSeverity: SseClient;
    let firing: AlertEvent;
    const isOurs = (a: AlertEvent) => a.labels.alertname === 'InferenceLoadHigh' && a.labels.cell === CELL;
    /** The ids of our alert's events a stream received, in order. */
    const ourEventIds = (client: SseClient) => alertsOf(client).filter((a) => a.fingerprint === firing.fingerprint).map((a) => a.id);
    /** The stream event that carried an alert event: its position is where a client resumes after it. */
    const carrying = (client: SseClient, alert: AlertEvent): StreamedEvent => client.events.find((e) => e.data.id === alert.id)!;

    it('refuses streams without a key (401) or to partners (403)', async () => {
      expect((await refusal('sse', `${api.url}/v1/alerts/stream`, '')).status).toBe(401);
      const forbidden = await refusal('sse', `${api.url}/v1/alerts/stream`, partner);
      expect([forbidden.status, forbidden.body.error?.code]).toEqual([403, 'NO_GRANTS']);
    });

    it('streams the firing alert a posted window raises, to the streams whose filters it matches', async () => {
      [all, matching, otherOperator, otherSeverity] = await Promise.all([stream(), stream(`?site=${SITE}&severity=warning`), stream('?operator=kt'), stream(`?site=${SITE}&severity=info`)]);
      await postWindow(0, 4500);
      firing = await waitFor(all, (alerts) => alerts.find((a) => isOurs(a) && a.status === 'firing'), 'the firing alert');
      expect(firing).toMatchObject({ change: 'state', value: 1.2, evaluatedAt: at(WINDOW_MS), acknowledgement: null, assignee: null, labels: { operator: 'skt', site: SITE, severity: 'warning' } });
      // Its SSE id is the stream's position after it (the next offset of each of the topic's 3 partitions).
      expect(all.frames.find((f) => f.event === 'alert' && JSON.parse(f.data!).id === firing.id)?.id).toMatch(/^0:\d+\.1:\d+\.2:\d+$/);
      await waitFor(matching, (alerts) => alerts.find((a) => a.id === firing.id), 'the firing alert');
    });

    it('keeps idle streams alive with heartbeat comments', async () => {
      await eventually(async () => {
        if (all.heartbeats === 0) throw new Error('no heartbeat yet');
      }, 10_000);
    });

    it('forwards an acknowledgement and an assignment as the caller; both come back on the stream', async () => {
      // This client goes away now.
      all.close();
      await eventually(async () => expect(await (await fetch(`${api.url}/metrics`)).text()).toContain('airan_api_streams_ended_total{product="alerts",transport="sse",reason="client"} 1'));
      const ack = await call('POST', `/v1/alerts/${firing.fingerprint}/ack`, ops, { comment: 'throttling inference on c1' });
      expect(ack.status).toBe(200);
      const acked = await waitFor(matching, (alerts) => alerts.find((a) => a.fingerprint === firing.fingerprint && a.change === 'acknowledged'), 'the acknowledgement');
      expect(acked).toMatchObject({ status: 'firing', evaluatedAt: firing.evaluatedAt, acknowledgement: { by: 'noc-kim', comment: 'throttling inference on c1' } });

      expect((await call('POST', `/v1/alerts/${firing.fingerprint}/assign`, ops, { assignee: 'lee' })).status).toBe(200);
      const assigned = await waitFor(matching, (alerts) => alerts.find((a) => a.fingerprint === firing.fingerprint && a.change === 'assigned'), 'the assignment');
      expect(assigned).toMatchObject({ assignee: 'lee', acknowledgement: { by: 'noc-kim' } });
    });

    it('filters current alerts by acknowledgement, assignee, silence, severity and name', async () => {
      const fingerprints = async (query: string) => {
        const response = await call('GET', `/v1/alerts?${query}`);
        expect(response.status).toBe(200);
        return ((await response.json()) as { alerts: AlertEvent[] }).alerts.map((a) => a.fingerprint);
      };
      // The assignment is the latest event of an alert whose event time did not move: the current state took it.
      await eventually(async () => expect(await fingerprints('assignee=lee')).toEqual([firing.fingerprint]));
      expect(await fingerprints('acknowledged=true')).toEqual([firing.fingerprint]);
      expect(await fingerprints('acknowledged=false')).not.toContain(firing.fingerprint);
      expect(await fingerprints('silenced=false&severity=warning&alertname=InferenceLoadHigh')).toContain(firing.fingerprint);
      expect(await fingerprints('silenced=true')).not.toContain(firing.fingerprint);
      expect(await fingerprints('status=nodata')).not.toContain(firing.fingerprint);
      expect(await fingerprints('alertname=PrbDownlinkSaturated')).not.toContain(firing.fingerprint);
      expect((await call('GET', '/v1/alerts?acknowledged=maybe')).status).toBe(400);
    });

    it('streams the resolve, and records firing then resolved in the alert history', async () => {
      await postWindow(1, 1500);
      await waitFor(matching, (alerts) => alerts.find((a) => a.fingerprint === firing.fingerprint && a.status === 'resolved'), 'the resolve');
      expect(alertsOf(matching).filter((a) => a.fingerprint === firing.fingerprint).map((a) => [a.change, a.status])).toEqual([
        ['state', 'firing'],
        ['acknowledged', 'firing'],
        ['assigned', 'firing'],
        ['state', 'resolved'],
      ]);

      const response = await call('GET', `/v1/alerts/${firing.fingerprint}/history`);
      expect(response.status).toBe(200);
      const history = (await response.json()) as { events: AlertEvent[]; next: string | null };
      expect(history.next).toBeNull();
      expect(history.events.filter((e) => e.change === 'state').map((e) => [e.status, e.evaluatedAt])).toEqual([
        ['firing', at(WINDOW_MS)],
        ['resolved', at(2 * WINDOW_MS)],
      ]);
      expect(history.events.map((e) => e.id)).toEqual(ourEventIds(matching));

      // Paged back two at a time.
      const latest = (await (await call('GET', `/v1/alerts/${firing.fingerprint}/history?limit=2`)).json()) as typeof history;
      const older = (await (await call('GET', `/v1/alerts/${firing.fingerprint}/history?limit=2&before=${latest.next}`)).json()) as typeof history;
      expect([...older.events, ...latest.events].map((e) => e.id)).toEqual(history.events.map((e) => e.id));
      expect(older.next).toBeNull();

      expect((await call('GET', '/v1/alerts/0123456789abcdef/history')).status).toBe(404);
      expect(await (await call('GET', '/v1/alerts/0123456789abcdef/history')).json()).toMatchObject({ error: { code: 'ALERT_NOT_FOUND' } });
      expect((await call('GET', '/v1/alerts/xyz/history')).status).toBe(400);
    });

    it('resumes from the position of an event (Last-Event-ID header or lastEventId), with exactly what followed it, then live', async () => {
      const position = carrying(matching, firing).position;
      const missed = matching.events.slice(matching.events.indexOf(carrying(matching, firing)) + 1).map((e) => e.data.id);
      expect(missed).toEqual(expect.arrayContaining(ourEventIds(matching).slice(1)));

      const query = `?site=${SITE}&severity=warning`;
      const resumed = [await stream(query, position), await stream(`${query}&lastEventId=${position}`)];
      for (const client of resumed) {
        await waitFor(client, (alerts) => (alerts.length >= missed.length ? true : undefined), `${missed.length} missed events`);
        expect(client.events.slice(0, missed.length).map((e) => e.data.id)).toEqual(missed);
      }

      // The load rises again: the alert fires anew, live, after the catch-up.
      await postWindow(2, 4500);
      for (const client of resumed) {
        await waitFor(client, (alerts) => alerts.find((a) => a.fingerprint === firing.fingerprint && a.status === 'firing' && a.evaluatedAt === at(3 * WINDOW_MS)), 'the alert firing again');
        const ids = client.events.map((e) => e.data.id);
        expect(new Set(ids).size).toBe(ids.length);
      }
    });

    it('refuses a position that is not one of the alert stream', async () => {
      const eventId = await refusal('sse', `${api.url}/v1/alerts/stream`, ops, { 'last-event-id': firing.id });
      expect([eventId.status, eventId.body.error?.code, eventId.body.error?.details?.[0].path]).toEqual([400, 'INVALID_QUERY', 'header.last-event-id']);
      expect((await refusal('sse', `${api.url}/v1/alerts/stream?lastEventId=42`, ops)).status).toBe(400);
      const foreign = await refusal('sse', `${api.url}/v1/alerts/stream?lastEventId=0:0`, ops);
      expect([foreign.status, foreign.body.error?.code]).toEqual([400, 'FOREIGN_POSITION']);
    });

    it('sent nothing to the streams whose filters the alert does not match', () => {
      expect(otherOperator.events).toEqual([]);
      expect(otherSeverity.events).toEqual([]);
      expect(otherOperator.cut ?? otherSeverity.cut).toBeUndefined();
    });

    it('ends the open streams when the api stops, each with the position to resume from, and the api exits cleanly', async () => {
      const open = streams.filter((s) => s !== all);
      await api.stop();
      expect(await api.exitCode()).toBe(0);
      await Promise.all(open.map((s) => s.ended));
      expect(open.map((s) => s.cut?.reason)).toEqual(open.map(() => 'shutdown'));
    });
  });
});
