import type { AlertEvent, CellLoadWindow } from '@airan/contracts';
import { fingerprint } from '@airan/rule-engine';
import { Client } from 'pg';
import type { AppName, ServiceProcess } from './support/service-process';
import { createApiKey, eventually, isolate, postWithNewKey } from './support/stack';
import { readTopicToEnd } from './support/kafka-test-tools';
import { startServices } from './support/start-services';

/** The apps this test runs (share is not among them). */
type PipelineApp = Exclude<AppName, 'share'>;

/**
 * The foundation slice, across four real processes, a real broker and Postgres:
 * POST a native batch → airan.telemetry.v1 → load closes the window → row + airan.cell-load.v1 →
 * alerting fires the shipped InferenceLoadHigh rule → airan.alerts.v1 → GET /v1/alerts.
 */
describe('one batch end to end', () => {
  const isolation = isolate();
  let services: Record<PipelineApp, ServiceProcess> | undefined;
  let ingest: ServiceProcess;
  let api: ServiceProcess;

  const WINDOW_MS = 60_000;
  const OUT_OF_ORDER_MS = 5_000;
  // Two windows back from now: well inside the accepted age, and a clean window boundary.
  const t0 = Math.floor(Date.now() / WINDOW_MS) * WINDOW_MS - 2 * WINDOW_MS;
  const at = (offsetMs: number) => new Date(t0 + offsetMs).toISOString();
  const site = 'skt-seoul-gangnam-01';
  const cell = 'skt-seoul-gangnam-01-c1';

  beforeAll(async () => {
    const env = { ...isolation.env, LOAD_WINDOW_MS: String(WINDOW_MS), LOAD_OUT_OF_ORDER_MS: String(OUT_OF_ORDER_MS), LOAD_DEFAULT_CELL_GPUS: '0.25' };
    services = await startServices({ ingest: env, load: env, alerting: env, api: env });
    ({ ingest, api } = services);
  });

  afterAll(async () => {
    await Promise.all(Object.values(services ?? {}).map((s) => s.stop()));
  });

  it('turns a posted batch into a firing alert on the api, with exact values and the ingest trace', async () => {
    const operatorKey = await createApiKey(isolation, 'operator', 'skt');
    const opsKey = await createApiKey(isolation, 'ops', 'noc');

    // Four 15 s samples fill the window (t0, t0 + 60 s]; one is sent twice; a heartbeat moves the watermark past the end.
    const samples = [
      { offset: 15_000, gpuMs: 4500, requests: 10, prb: 40 },
      { offset: 30_000, gpuMs: 4500, requests: 20, prb: 50 },
      { offset: 45_000, gpuMs: 6000, requests: 30, prb: 60 },
      { offset: 60_000, gpuMs: 3000, requests: 40, prb: 70 },
    ];
    const cellRecord = (s: (typeof samples)[number]) => ({
      type: 'cell', siteId: site, cellId: cell, ts: at(s.offset), intervalMs: 15_000,
      gpuMs: s.gpuMs, inferenceRequests: s.requests, inferenceTokens: 1000, prbDlPct: s.prb, latencyP95Ms: s.offset / 1000,
    });
    const records = [...samples.map(cellRecord), cellRecord(samples[1]), { type: 'heartbeat', siteId: site, ts: at(WINDOW_MS + OUT_OF_ORDER_MS) }];

    const response = await postWithNewKey(`${ingest.url}/v1/telemetry`, operatorKey.key, { records });
    const receipt = (await response.json()) as { accepted: number; rejected: number; traceId: string };
    expect(response.status).toBe(202);
    expect(receipt).toMatchObject({ accepted: 6, rejected: 0 });
    expect(receipt.traceId).toMatch(/^[0-9a-f]{32}$/);

    // 18,000 GPU-ms over a fully covered 60 s window, with a quarter GPU allocated: 18000 / (0.25 × 60000) = 1.2.
    const expectedLoad = 18_000 / (0.25 * 60_000);
    const alerts = await eventually(async () => {
      const res = await fetch(`${api.url}/v1/alerts?status=firing`, { headers: { authorization: `Bearer ${opsKey.key}` } });
      const body = (await res.json()) as { alerts: AlertEvent[] };
      if (body.alerts.length === 0) throw new Error('no firing alert yet');
      return body.alerts;
    }, 60_000);

    const labels = { alertname: 'InferenceLoadHigh', severity: 'warning', operator: 'skt', pilot: 'skt-ai-ran-2026', site, cell, team: 'ran-ops' };
    expect(alerts).toHaveLength(1);
    const [alert] = alerts;
    expect(alert).toMatchObject({
      fingerprint: fingerprint(labels),
      ruleId: 'inference-load-high',
      status: 'firing',
      labels,
      value: expectedLoad,
      startsAt: at(WINDOW_MS),
      endsAt: null,
      evaluatedAt: at(WINDOW_MS),
      annotations: { summary: `Inference load 1.2 on cell ${cell}` },
    });
    // Followed back: the alert names the ingest request whose samples built its window.
    expect(alert.trace.sourceTraceIds).toEqual([receipt.traceId]);
    expect(alert.trace.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);

    // The window, stored once and published once, with every figure computed from the input.
    const expectedWindow = {
      cellId: cell, siteId: site, operatorId: 'skt', windowStart: at(0), windowEnd: at(WINDOW_MS), revision: 0,
      sampleCount: 4, coverage: 1, inferenceLoad: expectedLoad, radioLoad: null, headroom: null,
      requests: 100, tokens: 4000, tokensPerSec: 4000 / 60, latencyP95Ms: 60,
      prbDlPct: (40 + 50 + 60 + 70) / 4, prbUlPct: null, thpDlMbps: null, thpUlMbps: null, rrcConnectedUes: null,
      sourceTraceIds: [receipt.traceId],
    };
    const db = new Client({ connectionString: isolation.databaseUrl });
    await db.connect();
    try {
      // Once both outboxes are relayed, each topic is read to its end: anything published twice would be there.
      await eventually(async () => {
        const { rows } = await db.query(`SELECT (SELECT count(*) FROM load.outbox WHERE published_at IS NULL) + (SELECT count(*) FROM alerting.outbox WHERE published_at IS NULL) AS pending`);
        if (Number(rows[0].pending) > 0) throw new Error(`${rows[0].pending} outbox events not relayed yet`);
      });
      const published = await readTopicToEnd<CellLoadWindow>(`${isolation.topicPrefix}airan.cell-load.v1`);
      const alertMessages = await readTopicToEnd<AlertEvent>(`${isolation.topicPrefix}airan.alerts.v1`);
      expect(published).toHaveLength(1);
      expect(published[0].key).toBe(cell);
      expect(published[0].value).toMatchObject({ schema: 'airan.cell-load/1', ...expectedWindow });

      const { rows } = await db.query('SELECT sample_count, coverage, inference_load, requests, tokens, event_id FROM load.cell_windows');
      expect(rows).toEqual([{ sample_count: 4, coverage: 1, inference_load: expectedLoad, requests: '100', tokens: '4000', event_id: published[0].value.id }]);
      const samplesStored = await db.query('SELECT count(*)::int AS n FROM load.cell_samples');
      expect(samplesStored.rows[0].n).toBe(4);

      // The alert event on Kafka carries the same trace context in its headers as in its body.
      expect(alertMessages).toHaveLength(1);
      expect(alertMessages[0].key).toBe(alert.fingerprint);
      expect(alertMessages[0].headers.traceparent).toBe(alert.trace.traceparent);
      // And that context continues the window's trace, which links back to the ingest request.
      expect(alert.trace.traceparent!.split('-')[1]).toBe(published[0].headers.traceparent.split('-')[1]);
    } finally {
      await db.end();
    }
  });
});
