import { type IncomingMessage, type Server, createServer } from 'node:http';
import { Partitioners, type Producer } from 'kafkajs';
import { testKafka } from './support/test-kafka';
import { CELL_LOAD_SCHEMA, type CellLoadWindow, stableEventId } from '@airan/contracts';
import { fingerprint } from '@airan/rule-engine';
import { ServiceProcess } from './support/service-process';
import { eventually, freePort, isolate } from './support/stack';

interface Delivery {
  readonly body: { status: string; alerts: Array<{ status: string }> } & Record<string, unknown>;
  readonly answered: number;
}

/**
 * Alerting's notifications to a webhook receiver: Alertmanager's version 4 body field for field,
 * and a resolve that survives kill -9 of the alerting process while the receiver is down.
 */
describe('alerting: webhook notifications', () => {
  const isolation = isolate();
  const deliveries: Delivery[] = [];
  let answer = 200;
  let server: Server;
  let hookUrl: string;
  let producer: Producer;
  let alerting: ServiceProcess;
  let env: Record<string, string>;

  const SITE = 'kt-seoul-gwanghwamun-01';
  const CELL = `${SITE}-c2`;
  const T0 = Date.parse('2026-11-27T09:00:00Z');
  const window = (index: number, inferenceLoad: number): CellLoadWindow => ({
    schema: CELL_LOAD_SCHEMA, id: stableEventId('test-window', index), operatorId: 'kt', siteId: SITE, cellId: CELL, pilotId: 'kt-ai-ran-2026',
    windowStart: new Date(T0 + index * 60_000).toISOString(), windowEnd: new Date(T0 + (index + 1) * 60_000).toISOString(), revision: 0,
    sampleCount: 4, coverage: 1, aiGpuMs: inferenceLoad * 15_000, capacityGpuMs: 15_000, radioGpuMs: null, inferenceLoad, radioLoad: null, headroom: null,
    requests: 100, tokens: 1000, tokensPerSec: 1000 / 60, latencyP95Ms: 80, prbDlPct: 40, prbUlPct: 10, thpDlMbps: 200, thpUlMbps: 30, rrcConnectedUes: 50, sourceTraceIds: [],
  });
  const send = (w: CellLoadWindow) => producer.send({ topic: `${isolation.topicPrefix}airan.cell-load.v1`, acks: -1, messages: [{ key: w.cellId, value: JSON.stringify(w) }] });
  const of = (status: string, answered?: number) => deliveries.filter((d) => d.body.status === status && (answered === undefined || d.answered === answered));

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response) => {
      let raw = '';
      request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      request.on('end', () => {
        deliveries.push({ body: JSON.parse(raw), answered: answer });
        response.writeHead(answer).end();
      });
    });
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${port}/hook`;
    env = { ...isolation.env, ALERTING_WEBHOOKS: `ops-team=${hookUrl}`, ALERTING_EXTERNAL_URL: 'http://airan.example:3000', ALERTING_NOTIFY_MAX_BACKOFF_MS: '500' };
    alerting = await ServiceProcess.start('alerting', env);
    const kafka = testKafka('alerting-test', isolation.env.KAFKA_BROKERS.split(','));
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await alerting?.stop();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('notifies firing then resolved in Alertmanager webhook format, and the resolve survives kill -9', async () => {
    const labels = { alertname: 'InferenceLoadHigh', severity: 'warning', operator: 'kt', pilot: 'kt-ai-ran-2026', site: SITE, cell: CELL, team: 'ran-ops' };
    const fp = fingerprint(labels);
    const alert = {
      labels,
      annotations: {
        summary: `Inference load 1.25 on cell ${CELL}`,
        description: `AI inference used 1.25× the GPU capacity allocated to cell ${CELL} at site ${SITE}; the radio stack may be squeezed.`,
      },
      startsAt: new Date(T0 + 60_000).toISOString(),
      generatorURL: `http://airan.example:3000/v1/alerts?fingerprint=${fp}`,
      fingerprint: fp,
    };
    const common = {
      version: '4',
      groupKey: `{}:{alertname="InferenceLoadHigh", site="${SITE}"}`,
      truncatedAlerts: 0,
      receiver: 'ops-team',
      groupLabels: { alertname: 'InferenceLoadHigh', site: SITE },
      commonLabels: labels,
      commonAnnotations: alert.annotations,
      externalURL: 'http://airan.example:3000',
    };

    await send(window(0, 1.25));
    const [firing] = await eventually(async () => {
      if (of('firing').length === 0) throw new Error('no firing notification yet');
      return of('firing');
    });
    expect(firing.body).toEqual({ ...common, status: 'firing', notification_reason: 'alert_firing', alerts: [{ ...alert, status: 'firing', endsAt: '0001-01-01T00:00:00Z' }] });

    // The receiver goes down; the load drops below the recovery threshold.
    answer = 503;
    await send(window(1, 0.5));
    await eventually(async () => {
      if (of('resolved', 503).length === 0) throw new Error('resolve not attempted yet');
    });
    await alerting.kill();
    answer = 200;
    alerting = await ServiceProcess.start('alerting', env);

    const [resolved] = await eventually(async () => {
      if (of('resolved', 200).length === 0) throw new Error('resolve not delivered yet');
      return of('resolved', 200);
    });
    expect(resolved.body).toEqual({
      ...common,
      status: 'resolved',
      notification_reason: 'alert_resolved',
      alerts: [{ ...alert, status: 'resolved', endsAt: new Date(T0 + 120_000).toISOString() }],
    });
    // Every attempt carried the same body; once acknowledged, it is never sent again, and the firing went once.
    expect(of('resolved').every((d) => JSON.stringify(d.body) === JSON.stringify(resolved.body))).toBe(true);
    await eventually(async () => {
      const metrics = await (await fetch(`${alerting.url}/metrics`)).text();
      if (!/airan_outbox_relayed_total \d/.test(metrics)) throw new Error('restarted alerting not settled yet');
    });
    expect(of('resolved', 200)).toHaveLength(1);
    expect(of('firing')).toHaveLength(1);
  });
});
