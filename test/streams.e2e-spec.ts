import { metricTotal } from './support/metrics';
import { ServiceProcess } from './support/service-process';
import { createApiKey, eventually, isolate } from './support/stack';
import { type LiveStreamClient, SseClient, type StreamClientKind, WsClient, openStream, passed, receive, refusal } from './support/stream-clients';
import { alertEvent, cellLoadEvent, rollupEvent, telemetryReport } from './support/stream-events';
import { TopicWriter } from './support/topic-writer';

const MAX_PER_KEY = 3;

/**
 * Live streams against the built api and a real broker: what each key may open and see, filters,
 * heartbeats, the per-key limit, the alert stream's old address, metrics, and the end at shutdown,
 * each for Server-Sent Events and WebSocket clients alike. Events are written straight to the topics.
 */
describe('api: live streams of cell-load, alerts and telemetry', () => {
  const isolation = isolate();
  const clients: LiveStreamClient[] = [];
  let api: ServiceProcess;
  let writer: TopicWriter;
  let ops: string;
  let skt: string;
  let partner: string;
  let limited: string;

  const url = (path: string) => `${api.url}${path}`;
  const open = async (kind: StreamClientKind, path: string, key: string, position?: string) => {
    const client = await openStream(kind, url(path), key, position);
    clients.push(client);
    return client;
  };
  const ids = (client: LiveStreamClient) => client.events.map((e) => e.data.id);

  beforeAll(async () => {
    writer = await TopicWriter.open(isolation);
    api = await ServiceProcess.start('api', { ...isolation.env, API_STREAM_HEARTBEAT_MS: '300', API_STREAM_MAX_PER_KEY: String(MAX_PER_KEY) });
    [ops, skt, partner, limited] = (
      await Promise.all([createApiKey(isolation, 'ops', 'noc-kim'), createApiKey(isolation, 'operator', 'skt'), createApiKey(isolation, 'partner', 'etri'), createApiKey(isolation, 'ops', 'noc-lee')])
    ).map((k) => k.key);
  });

  // Each test starts with no stream open, so the per-key limit counts only its own.
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.close());
    if (!api.running) return;
    await eventually(async () => expect(await metricTotal(api.url, 'airan_api_streams_ended_total')).toBe(await metricTotal(api.url, 'airan_api_streams_opened_total')));
  });

  afterAll(async () => {
    await api?.stop();
    await writer?.close();
  });

  describe.each<StreamClientKind>(['sse', 'websocket'])('%s', (kind) => {
    it('refuses a missing key (401), partners (403 NO_GRANTS) and an operator naming another operator (403 OPERATOR_NOT_PERMITTED)', async () => {
      expect((await refusal(kind, url('/v1/streams/cell-load'), '')).status).toBe(401);
      const forPartner = await refusal(kind, url('/v1/streams/alerts'), partner);
      expect([forPartner.status, forPartner.body.error?.code]).toEqual([403, 'NO_GRANTS']);
      const foreign = await refusal(kind, url('/v1/streams/telemetry?operator=kt'), skt);
      expect([foreign.status, foreign.body.error?.code, foreign.body.error?.details?.[0].path]).toEqual([403, 'OPERATOR_NOT_PERMITTED', 'query.operator']);
    });

    it('refuses products without a stream, filters a product lacks and bad values with 400, naming each', async () => {
      for (const [path, code, paths] of [
        ['/v1/streams/weather', 'INVALID_PATH_PARAMETER', ['path.product']],
        ['/v1/streams/cell-load?severity=critical', 'INVALID_QUERY', ['query.severity']],
        ['/v1/streams/telemetry?cell=c1&pilot=p1', 'INVALID_QUERY', ['query.cell', 'query.pilot']],
        [`/v1/streams/alerts?site=&cell=${'c'.repeat(129)}`, 'INVALID_QUERY', ['query.site', 'query.cell']],
      ] as const) {
        const refused = await refusal(kind, url(path), ops);
        expect([refused.status, refused.body.error?.code, refused.body.error?.details?.map((d) => d.path)]).toEqual([400, code, paths]);
      }
    });

    it('refuses malformed (400) and foreign positions (400 FOREIGN_POSITION), and one whose events retention removed (410 POSITION_EXPIRED)', async () => {
      const refusedAt = async (position: string) => {
        const viaHeader = kind === 'sse' ? await refusal(kind, url('/v1/streams/cell-load'), ops, { 'last-event-id': position }) : undefined;
        const viaQuery = await refusal(kind, url(`/v1/streams/cell-load?lastEventId=${encodeURIComponent(position)}`), ops);
        return [viaHeader, viaQuery].flatMap((r) => (r ? [[r.status, r.body.error?.code, r.body.error?.details?.[0].path]] : []));
      };
      const both = (status: number, code: string) => (kind === 'sse' ? [[status, code, 'header.last-event-id'], [status, code, 'query.lastEventId']] : [[status, code, 'query.lastEventId']]);
      expect(await refusedAt('00000000-0000-4000-8000-000000000000')).toEqual(both(400, 'INVALID_QUERY'));
      expect(await refusedAt('0:1.0:2')).toEqual(both(400, 'INVALID_QUERY'));
      // cell-load has 6 partitions; this is an alert stream's position.
      expect(await refusedAt('0:0.1:0.2:0')).toEqual(both(400, 'FOREIGN_POSITION'));
      expect(await refusedAt('0:0.1:0.2:0.3:0.4:0.5:999999')).toEqual(both(400, 'FOREIGN_POSITION'));

      await writer.send('cellLoad', [0, 1, 2].map(() => cellLoadEvent({ operatorId: 'kt', siteId: 'trim', cellId: 'trim-c1' })), () => 'trim');
      const [partition, end] = [...(await writer.ends('cellLoad'))].find(([, high]) => high >= 3)!;
      await writer.trim('cellLoad', partition, end);
      const expired = [0, 1, 2, 3, 4, 5].map((p) => `${p}:${p === partition ? end - 1 : 0}`).join('.');
      expect(await refusedAt(expired)).toEqual(both(410, 'POSITION_EXPIRED'));
    });

    it("streams each product's events as written: filtered, and an operator key sees only its operator's", async () => {
      const [allCells, oneCell, sktCells, sktTelemetry, critical] = await Promise.all([
        open(kind, '/v1/streams/cell-load', ops),
        open(kind, '/v1/streams/cell-load?site=skt-a&cell=skt-a-c2&pilot=pilot-1', ops),
        open(kind, '/v1/streams/cell-load', skt),
        open(kind, '/v1/streams/telemetry?site=skt-a', skt),
        open(kind, '/v1/streams/alerts?severity=critical&operator=skt', ops),
      ]);
      const cells = [
        cellLoadEvent({ operatorId: 'skt', siteId: 'skt-a', cellId: 'skt-a-c1', pilotId: 'pilot-1' }),
        cellLoadEvent({ operatorId: 'skt', siteId: 'skt-a', cellId: 'skt-a-c2', pilotId: 'pilot-1' }),
        cellLoadEvent({ operatorId: 'kt', siteId: 'kt-a', cellId: 'kt-a-c1' }),
        cellLoadEvent({ operatorId: 'skt', siteId: 'skt-a', cellId: 'skt-a-c2', pilotId: 'pilot-1' }),
      ];
      const reports = [telemetryReport('skt', 'skt-a'), telemetryReport('skt', 'skt-b'), telemetryReport('kt', 'skt-a')];
      const alerts = [
        alertEvent({ operator: 'skt', site: 'skt-a', cell: 'skt-a-c1', severity: 'critical' }),
        alertEvent({ operator: 'skt', site: 'skt-a', cell: 'skt-a-c1', severity: 'warning' }),
        alertEvent({ operator: 'kt', site: 'kt-a', cell: 'kt-a-c1', severity: 'critical' }),
      ];
      await writer.send('cellLoad', cells, (e) => (e as { cellId: string }).cellId);
      await writer.send('telemetry', reports, (e) => (e as { siteId: string }).siteId);
      await writer.send('alerts', alerts, (e) => (e as { fingerprint: string }).fingerprint);
      const [cellEnds, telemetryEnds, alertEnds] = await Promise.all([writer.ends('cellLoad'), writer.ends('telemetry'), writer.ends('alerts')]);
      await Promise.all([allCells, oneCell, sktCells].map((c) => passed(c, cellEnds)).concat(passed(sktTelemetry, telemetryEnds), passed(critical, alertEnds)));

      expect(ids(allCells)).toEqual(expect.arrayContaining(cells.map((e) => e.id)));
      expect(allCells.events.length).toBe(cells.length);
      expect(ids(oneCell).sort()).toEqual([cells[1].id, cells[3].id].sort());
      expect(ids(sktCells).sort()).toEqual([cells[0].id, cells[1].id, cells[3].id].sort());
      expect(ids(sktTelemetry)).toEqual([reports[0].id]);
      expect(ids(critical)).toEqual([alerts[0].id]);
      expect(critical.events[0].data).toEqual(alerts[0]);
    });

    it('streams rollups by site, pilot or scope, an operator key its own operator\'s', async () => {
      const [oneSite, sktOperator, sktPilot] = await Promise.all([
        open(kind, '/v1/streams/rollups?site=skt-a', ops),
        open(kind, '/v1/streams/rollups?scope=operator', skt),
        open(kind, '/v1/streams/rollups?pilot=pilot-1', skt),
      ]);
      const rollups = [rollupEvent('site', 'skt-a', 'skt'), rollupEvent('pilot', 'pilot-1', 'skt'), rollupEvent('operator', 'skt', 'skt'), rollupEvent('site', 'kt-a', 'kt'), rollupEvent('operator', 'kt', 'kt')];
      await writer.send('rollups', rollups, (e) => (e as { scopeId: string }).scopeId);
      const ends = await writer.ends('rollups');
      await Promise.all([oneSite, sktOperator, sktPilot].map((c) => passed(c, ends)));
      expect(ids(oneSite)).toEqual([rollups[0].id]);
      expect(ids(sktOperator)).toEqual([rollups[2].id]);
      expect(ids(sktPilot)).toEqual([rollups[1].id]);
      expect(oneSite.events[0].data).toEqual(rollups[0]);
      const refused = await refusal(kind, url('/v1/streams/rollups?scope=cell'), ops);
      expect([refused.status, refused.body.error?.details?.map((d) => d.path)]).toEqual([400, ['query.scope']]);
    });

    it('gives a partner the events its grants cover, without the fields they redact, and nothing of products it is not granted', async () => {
      const [admin, yonsei] = (await Promise.all([createApiKey(isolation, 'admin', 'root'), createApiKey(isolation, 'partner', 'yonsei')])).map((k) => k.key);
      const grant = { partnerId: 'yonsei', products: ['cell-load'], operatorIds: ['skt'], siteIds: ['kt-daejeon-etri-01'], redact: ['tokens', 'requests'], validFrom: '2026-01-01T00:00:00Z' };
      const put = await fetch(url('/v1/registry/grant/yonsei-cells'), { method: 'PUT', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify(grant) });
      expect(put.status).toBe(200);
      const stream = await open(kind, '/v1/streams/cell-load', yonsei);
      const cells = [
        cellLoadEvent({ operatorId: 'skt', siteId: 'skt-a', cellId: 'skt-a-c1' }),
        cellLoadEvent({ operatorId: 'kt', siteId: 'kt-daejeon-etri-01', cellId: 'kt-daejeon-etri-01-c1' }),
        cellLoadEvent({ operatorId: 'kt', siteId: 'kt-b', cellId: 'kt-b-c1' }),
        cellLoadEvent({ operatorId: 'lguplus', siteId: 'lg-a', cellId: 'lg-a-c1' }),
      ].map((e) => ({ ...e, sourceTraceIds: ['0af7651916cd43dd8448eb211c80319c'] }));
      await writer.send('cellLoad', cells, (e) => (e as { cellId: string }).cellId);
      await passed(stream, await writer.ends('cellLoad'));
      const without = ({ tokens: _t, requests: _r, sourceTraceIds: _s, ...kept }: (typeof cells)[number]) => kept;
      const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
      expect(stream.events.map((e) => e.data as { id: string }).sort(byId)).toEqual([without(cells[0]), without(cells[1])].sort(byId));
      const refused = await refusal(kind, url('/v1/streams/alerts'), yonsei);
      expect([refused.status, refused.body.error?.code]).toEqual([403, 'NO_GRANTS']);
    });

    it('keeps idle streams alive with heartbeats that carry the position', async () => {
      const idle = await open(kind, '/v1/streams/telemetry', ops);
      await eventually(async () => expect(idle.heartbeats).toBeGreaterThanOrEqual(2), 10_000);
      expect(idle.position).toMatch(/^0:\d+\.1:\d+\.2:\d+\.3:\d+\.4:\d+\.5:\d+$/);
    });

    it(`holds at most ${MAX_PER_KEY} streams per key on an instance (429 TOO_MANY_STREAMS), and frees a slot when one closes`, async () => {
      const held = await Promise.all([...Array(MAX_PER_KEY)].map(() => open(kind, '/v1/streams/alerts', limited)));
      const refused = await refusal(kind, url('/v1/streams/cell-load'), limited);
      expect([refused.status, refused.body.error?.code]).toEqual([429, 'TOO_MANY_STREAMS']);
      // A refused stream holds nothing: the limit stays where it was.
      expect((await refusal(kind, url('/v1/streams/cell-load'), limited)).status).toBe(429);
      // Other keys are not affected.
      await open(kind, '/v1/streams/cell-load', ops);
      held[0].close();
      await eventually(() => open(kind, '/v1/streams/cell-load', limited));
    });
  });

  it('serves the alert stream at its first address too, events named alert', async () => {
    const [legacy, current] = await Promise.all([SseClient.open(url('/v1/alerts/stream?site=legacy-a'), ops), SseClient.open(url('/v1/streams/alerts?site=legacy-a'), ops)]);
    clients.push(legacy, current);
    const alert = alertEvent({ operator: 'skt', site: 'legacy-a', cell: 'legacy-a-c1', severity: 'warning' });
    await writer.send('alerts', [alert], () => alert.fingerprint);
    await Promise.all([receive(legacy, 1), receive(current, 1)]);
    expect(legacy.frames.filter((f) => f.data).map((f) => [f.event, JSON.parse(f.data!).id])).toEqual([['alert', alert.id]]);
    expect(current.events).toEqual(legacy.events);
  });

  it('counts streams opened and ended, by product, transport and reason', async () => {
    const metrics = await (await fetch(url('/metrics'))).text();
    expect(metrics).toMatch(/airan_api_streams_opened_total\{product="cell-load",transport="sse"\} [1-9]/);
    expect(metrics).toMatch(/airan_api_streams_opened_total\{product="alerts",transport="websocket"\} [1-9]/);
    expect(metrics).toMatch(/airan_api_streams_ended_total\{product="alerts",transport="websocket",reason="client"\} [1-9]/);
  });

  it('ends every open stream with a resumable marker when the api stops, which then exits cleanly', async () => {
    const [sse, ws] = await Promise.all([SseClient.open(url('/v1/streams/cell-load'), ops), WsClient.open(url('/v1/streams/cell-load'), ops)]);
    clients.push(sse, ws);
    await api.stop();
    expect(await api.exitCode()).toBe(0);
    await Promise.all([sse.ended, ws.ended]);
    expect(sse.cut).toEqual({ reason: 'shutdown', position: expect.stringMatching(/^0:\d+(\.\d:\d+){5}$/) });
    expect(ws.cut).toEqual({ reason: 'shutdown', position: expect.stringMatching(/^0:\d+(\.\d:\d+){5}$/) });
    expect(ws.closing).toEqual({ code: 1001, reason: ws.cut!.position });
  });
});
