import type { AlertEvent } from '@airan/contracts';
import { type ReceivedSpan, OtlpReceiver } from './support/otlp-receiver';
import type { AppName, ServiceProcess } from './support/service-process';
import { createApiKey, eventually, isolate, postWithNewKey } from './support/stack';
import { startServices } from './support/start-services';

/** The apps this test runs (share is not among them). */
type PipelineApp = Exclude<AppName, 'share'>;

type LogLine = Record<string, unknown> & { msg?: string; trace_id?: string; span_id?: string };

/** The JSON log lines a process has written so far (a line still being written is left out). */
const logLines = (service: ServiceProcess): LogLine[] =>
  service.logs.split('\n').flatMap((line) => {
    try {
      return line.startsWith('{') ? [JSON.parse(line) as LogLine] : [];
    } catch {
      return [];
    }
  });

/**
 * Traces and logs across four real processes exporting spans over OTLP/HTTP to a receiver in this test:
 * an alert is followed back to the ingest request behind it through the recorded spans and their links,
 * and every request's access-log line names its trace and, once authenticated, its key.
 */
describe('tracing', () => {
  const isolation = isolate();
  let services: Record<PipelineApp, ServiceProcess> | undefined;
  let receiver: OtlpReceiver;
  let operatorKey: { id: string; key: string };

  const WINDOW_MS = 60_000;
  const OUT_OF_ORDER_MS = 5_000;
  const t0 = Math.floor(Date.now() / WINDOW_MS) * WINDOW_MS - 2 * WINDOW_MS;
  const at = (offsetMs: number) => new Date(t0 + offsetMs).toISOString();
  const site = 'skt-seoul-gangnam-01';
  const cell = 'skt-seoul-gangnam-01-c1';

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    // Spans are exported 100 ms after they end instead of the SDK's 5 s, so the test waits on them, not on a timer.
    const env = { ...isolation.env, LOAD_WINDOW_MS: String(WINDOW_MS), LOAD_OUT_OF_ORDER_MS: String(OUT_OF_ORDER_MS), OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100' };
    // The processes whose log lines are checked log at info.
    const info = { ...env, LOG_LEVEL: 'info' };
    services = await startServices({ ingest: info, load: info, alerting: info, api: info });
    operatorKey = await createApiKey(isolation, 'operator', 'skt');
    // Keys reach ingest over the registry topic: once an empty batch is refused for being empty (not 401), the key is known there.
    await postWithNewKey(`${services.ingest.url}/v1/telemetry`, operatorKey.key, { records: [] });
  });

  afterAll(async () => {
    await Promise.all(Object.values(services ?? {}).map((s) => s.stop()));
    await receiver?.close();
  });

  const post = (contentType: string, body: string) =>
    fetch(`${services!.ingest.url}/v1/telemetry`, { method: 'POST', headers: { authorization: `Bearer ${operatorKey.key}`, 'content-type': contentType }, body });

  /** The log lines of `service` matching `predicate`, once `count` of them have come through its stdout. */
  const logged = (service: PipelineApp, predicate: (l: LogLine) => boolean, count = 1) =>
    eventually(async () => {
      const found = logLines(services![service]).filter(predicate);
      if (found.length < count) throw new Error(`${found.length} of ${count} log lines from ${service} so far`);
      return found;
    });

  /** A recorded span matching `predicate`, once it has been exported. */
  const exported = (description: string, predicate: (s: ReceivedSpan) => boolean) =>
    eventually(async () => receiver.spans.find(predicate) ?? Promise.reject(new Error(`no ${description} span exported yet`)));

  it('follows an alert back to the ingest request, with the request logged in its trace under its key id', async () => {
    const ingest = services!.ingest;
    const opsKey = await createApiKey(isolation, 'ops', 'noc');

    // One sample covering the whole window at 18,000 GPU-ms on a quarter GPU (load 1.2, above 0.9); the heartbeat closes the window.
    const records = [
      { type: 'cell', siteId: site, cellId: cell, ts: at(WINDOW_MS), intervalMs: WINDOW_MS, gpuMs: 18_000 },
      { type: 'heartbeat', siteId: site, ts: at(WINDOW_MS + OUT_OF_ORDER_MS) },
    ];
    const response = await post('application/json', JSON.stringify({ records }));
    const receipt = (await response.json()) as { accepted: number; traceId: string };
    expect(response.status).toBe(202);
    expect(receipt.accepted).toBe(2);

    const alert = await eventually(async () => {
      const res = await fetch(`${services!.api.url}/v1/alerts?status=firing`, { headers: { authorization: `Bearer ${opsKey.key}` } });
      const [firing] = ((await res.json()) as { alerts: AlertEvent[] }).alerts;
      return firing ?? Promise.reject(new Error('no firing alert yet'));
    }, 60_000);
    expect(alert.labels).toMatchObject({ alertname: 'InferenceLoadHigh', cell });

    // The ingest access-log line: in the receipt's trace, under the key's id, inside the request's server span.
    const accessLines = await logged('ingest', (l) => l.msg === 'http request' && l.trace_id === receipt.traceId);
    expect(accessLines).toEqual([expect.objectContaining({ level: 'info', method: 'POST', route: '/v1/telemetry', status: 202, keyId: operatorKey.id, durationMs: expect.any(Number) })]);
    expect(JSON.stringify(logLines(ingest))).not.toContain(operatorKey.key);
    const serverSpan = await exported('ingest server', (s) => s.spanId === accessLines[0].span_id);
    expect(serverSpan).toMatchObject({ service: 'airan-ingest', name: 'POST /v1/telemetry', traceId: receipt.traceId, attributes: { 'http.response.status_code': 202, 'airan.key_id': operatorKey.id } });

    // The window close links to the ingest request's trace, and logged inside its span.
    const closeSpan = await exported('window close', (s) => s.name === 'load.close-windows');
    expect(closeSpan).toMatchObject({ service: 'airan-load', links: [expect.objectContaining({ traceId: receipt.traceId })] });
    await logged('load', (l) => l.msg === 'windows closed' && l.windows === 1 && l.trace_id === closeSpan.traceId && l.span_id === closeSpan.spanId);

    // The alert's own span is the transition, which logged inside it.
    const [, alertTraceId, alertSpanId] = alert.trace.traceparent!.split('-');
    const transition = await exported('alert transition', (s) => s.spanId === alertSpanId);
    expect(transition).toMatchObject({ service: 'airan-alerting', name: 'alerting.transition', traceId: alertTraceId, attributes: { 'airan.alert.fingerprint': alert.fingerprint } });
    await logged('alerting', (l) => l.msg === 'alert transition' && l.fingerprint === alert.fingerprint && l.status === 'firing' && l.trace_id === alertTraceId && l.span_id === alertSpanId);

    // From it, recorded parents and links lead back through the window close to a span ingest recorded for the request.
    const path = await eventually(
      async () => receiver.pathBack(transition, (s) => s.service === 'airan-ingest' && s.traceId === receipt.traceId) ?? Promise.reject(new Error('no recorded way back to ingest yet')),
    );
    expect(path.map((s) => s.name)).toContain('load.close-windows');
    // Each consumer batch held only this request's records, so every step continued its trace rather than starting one.
    expect(alertTraceId).toBe(receipt.traceId);
  });

  it('logs refused requests too, each in its own recorded trace, with the key id once the key was checked', async () => {
    // Refused by the controller after authentication (415), and by body parsing before any guard ran (400):
    // the rate limiter proves the key before the body is read, so both lines name it.
    expect((await post('text/plain', 'records')).status).toBe(415);
    expect((await post('application/json', '{"records": [')).status).toBe(400);

    const refused = await logged('ingest', (l) => l.msg === 'http request' && (l.status === 415 || l.status === 400), 2);
    expect(refused).toHaveLength(2);
    expect(refused[0]).toMatchObject({ status: 415, route: '/v1/telemetry', keyId: operatorKey.id });
    expect(refused[1]).toMatchObject({ status: 400, route: '/v1/telemetry', keyId: operatorKey.id });
    for (const line of refused) {
      const span = await exported(`${line.status} server`, (s) => s.spanId === line.span_id);
      expect(span).toMatchObject({ service: 'airan-ingest', name: 'POST /v1/telemetry', traceId: line.trace_id, attributes: { 'http.response.status_code': line.status } });
    }
    expect(refused[0].trace_id).not.toBe(refused[1].trace_id);
  });

  it('attributes a request refused for its role (403) to the key that made it', async () => {
    const partner = await createApiKey(isolation, 'partner', 'etri');
    const response = await fetch(`${services!.api.url}/v1/admin/keys`, { method: 'POST', headers: { authorization: `Bearer ${partner.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ role: 'admin', subject: 'me', name: 'escalation' }) });
    expect(response.status).toBe(403);
    const [line] = await logged('api', (l) => l.msg === 'http request' && l.status === 403);
    expect(line).toMatchObject({ method: 'POST', route: '/v1/admin/keys', keyId: partner.id, trace_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
  });
});
