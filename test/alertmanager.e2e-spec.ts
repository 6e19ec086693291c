import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Partitioners, type Producer } from 'kafkajs';
import { testKafka } from './support/test-kafka';
import { CELL_LOAD_SCHEMA, type CellLoadWindow, stableEventId } from '@airan/contracts';
import { fingerprint } from '@airan/rule-engine';
import { ServiceProcess } from './support/service-process';
import { eventually, freePort, isolate } from './support/stack';

/** Alerting pushes to a real Alertmanager (Debian's prometheus-alertmanager), which lists the alert through its own API. */
describe('alerting: pushing to a real Alertmanager', () => {
  const isolation = isolate();
  const dir = mkdtempSync(join(tmpdir(), 'airan-am-'));
  let alertmanager: ChildProcess;
  let amUrl: string;
  let alerting: ServiceProcess;
  let producer: Producer;

  const SITE = 'skt-pangyo-01';
  const CELL = `${SITE}-c3`;
  const T0 = Date.now() - 10 * 60_000;
  const window = (index: number, inferenceLoad: number): CellLoadWindow => ({
    schema: CELL_LOAD_SCHEMA, id: stableEventId('am-window', index), operatorId: 'skt', siteId: SITE, cellId: CELL, pilotId: null,
    windowStart: new Date(T0 + index * 60_000).toISOString(), windowEnd: new Date(T0 + (index + 1) * 60_000).toISOString(), revision: 0,
    sampleCount: 1, coverage: 1, aiGpuMs: null, capacityGpuMs: null, radioGpuMs: null, inferenceLoad, radioLoad: null, headroom: null,
    requests: 0, tokens: 0, tokensPerSec: 0, latencyP95Ms: null, prbDlPct: null, prbUlPct: null, thpDlMbps: null, thpUlMbps: null, rrcConnectedUes: null, sourceTraceIds: [],
  });
  const send = (w: CellLoadWindow) => producer.send({ topic: `${isolation.topicPrefix}airan.cell-load.v1`, acks: -1, messages: [{ key: w.cellId, value: JSON.stringify(w) }] });
  const listed = async () => (await (await fetch(`${amUrl}/api/v2/alerts`)).json()) as Array<{ fingerprint: string; labels: Record<string, string>; status: { state: string } }>;

  beforeAll(async () => {
    const port = await freePort();
    amUrl = `http://127.0.0.1:${port}`;
    writeFileSync(join(dir, 'alertmanager.yml'), 'route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n');
    alertmanager = spawn('prometheus-alertmanager', [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${dir}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='], { stdio: 'ignore' });
    await eventually(async () => {
      if ((await fetch(`${amUrl}/-/ready`)).status !== 200) throw new Error('alertmanager not ready');
    });
    alerting = await ServiceProcess.start('alerting', { ...isolation.env, ALERTING_ALERTMANAGER_URL: amUrl });
    const kafka = testKafka('am-test', isolation.env.KAFKA_BROKERS.split(','));
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await alerting?.stop();
    // Alertmanager writes its state on the way out: remove its directory only once it has exited.
    if (alertmanager && alertmanager.exitCode === null) {
      const exited = new Promise((resolve) => alertmanager.once('exit', resolve));
      alertmanager.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the firing alert under the same fingerprint, and drops it once resolved', async () => {
    const labels = { alertname: 'InferenceLoadHigh', severity: 'warning', operator: 'skt', site: SITE, cell: CELL, team: 'ran-ops' };
    await send(window(0, 1.5));
    const [alert] = await eventually(async () => {
      const alerts = await listed();
      if (alerts.length === 0) throw new Error('alertmanager has no alert yet');
      return alerts;
    });
    // Alertmanager computed this fingerprint itself from the labels: airan's agrees with it.
    expect(alert).toMatchObject({ fingerprint: fingerprint(labels), labels, status: { state: 'active' } });

    await send(window(1, 0.2));
    await eventually(async () => {
      if ((await listed()).length > 0) throw new Error('alert still listed');
    });
  });
});
