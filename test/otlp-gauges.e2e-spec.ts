import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { CellSample, TelemetryDeadLetter, TelemetryReport } from '@airan/contracts';
import { readTopicToEnd } from './support/kafka-test-tools';
import { agentValues as values, type SdkAgentInput, type SdkAgentOutput } from './support/otlp-sdk-agent';
import type { ServiceProcess } from './support/service-process';
import { createApiKey, isolate, postWithNewKey } from './support/stack';
import { startServices } from './support/start-services';

/**
 * OTLP cell gauges as real agents send them: OpenTelemetry's JS SDK and protobuf exporter under both
 * temporalities, 90 minutes after the agent started, with a sync and an observable gauge and a counter
 * of the same cell; and a Collector forwarding gauges without start times. A gauge is a point in time:
 * its interval is what the site declares (resource attribute airan.interval_ms), else 60 s, never
 * timeUnixNano − startTimeUnixNano (docs/telemetry-mapping.md §5).
 */
describe('ingest: OTLP cell gauges take the declared interval, not the start time', () => {
  const isolation = isolate();
  let ingest: ServiceProcess;
  let api: ServiceProcess;
  let key: string;
  const MINUTE = 60_000;
  /** Two skt sites of the demo registry: one per agent. */
  const CUMULATIVE_SITE = 'skt-seoul-gangnam-01';
  const DELTA_SITE = 'skt-pangyo-01';
  // The agents started 90 minutes before their last export, which lands on a whole second a minute ago.
  const END = Math.floor(Date.now() / 1000) * 1000 - MINUTE;
  const START = END - 90 * MINUTE;

  beforeAll(async () => {
    ({ api, ingest } = await startServices({ api: isolation.env, ingest: isolation.env }));
    ({ key } = await createApiKey(isolation, 'operator', 'skt'));
    // The key has reached ingest once it answers something other than 401; an empty batch writes nothing.
    await postWithNewKey(`${ingest.url}/v1/telemetry`, key, { records: [] });
  });

  afterAll(async () => {
    await Promise.all([ingest?.stop(), api?.stop()]);
  });

  /** Runs a site's OpenTelemetry agent (test/support/otlp-sdk-agent.ts) against ingest. */
  function runAgent(input: Omit<SdkAgentInput, 'url' | 'key'>): Promise<SdkAgentOutput> {
    return new Promise((resolve, reject) => {
      const agent = execFile(process.execPath, [join(__dirname, '../dist/test/support/otlp-sdk-agent.js')], { timeout: 90_000 }, (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout))));
      agent.stdin!.end(JSON.stringify({ ...input, url: `${ingest.url}/v1/metrics`, key }));
    });
  }

  /** The cell samples of a site's reports in airan.telemetry.v1, by time. */
  async function cellsOf(siteId: string, cellId: string): Promise<CellSample[]> {
    const messages = await readTopicToEnd<TelemetryReport>(`${isolation.topicPrefix}airan.telemetry.v1`);
    return messages
      .filter((m) => m.value.siteId === siteId)
      .flatMap((m) => m.value.cells.filter((c) => c.cellId === cellId))
      .sort((a, b) => a.ts - b.ts);
  }

  const deadLetters = async (siteId: string) => (await readTopicToEnd<TelemetryDeadLetter>(`${isolation.topicPrefix}airan.telemetry.dlq.v1`)).map((m) => m.value).filter((l) => l.siteId === siteId);

  const ticks = (count: number, intervalMs: number) => Array.from({ length: count }, (_, i) => START + (i + 1) * intervalMs);

  it('cumulative (the SDK default), 90 minutes up, nothing declared: every export lands with 60 s, and the counter is refused as cumulative', async () => {
    const cellId = `${CUMULATIVE_SITE}-c1`;
    const output = await runAgent({ resourceAttributes: { 'airan.site.id': CUMULATIVE_SITE }, temporality: 'cumulative', startMs: START, exportIntervalMs: MINUTE, exports: 90, cellId });
    const times = ticks(90, MINUTE);
    expect(output).toMatchObject({ times, codes: times.map(() => 0) });
    // What the SDK put on the wire: the sync instruments' series start at the agent's start (the last export is
    // 90 minutes after it), the observable gauge's at its first collection (its first export: start = time).
    expect(output.starts[0]).toEqual({ 'RRU.PrbTotDl': START, 'airan.inference.requests': START, 'RRC.ConnMean': times[0] });
    expect(output.starts[89]).toEqual(output.starts[0]);
    expect(times[89] - START).toBe(90 * MINUTE);

    expect(await cellsOf(CUMULATIVE_SITE, cellId)).toEqual(times.map((ts, i) => ({ cellId, ts, intervalMs: 60_000, prbDlPct: values(i + 1).prbDlPct, rrcConnectedUes: values(i + 1).rrcConnectedUes })));
    const letters = await deadLetters(CUMULATIVE_SITE);
    expect(letters).toHaveLength(90);
    for (const letter of letters) {
      expect(letter).toMatchObject({ format: 'otlp', reason: 'CUMULATIVE_NOT_SUPPORTED', errors: [expect.objectContaining({ path: expect.stringMatching(/\.sum\.aggregationTemporality$/) })] });
    }
  });

  it('delta, 90 minutes up, declaring airan.interval_ms: every export lands with the declared 30 s, counter included', async () => {
    const cellId = `${DELTA_SITE}-c1`;
    const output = await runAgent({ resourceAttributes: { 'airan.site.id': DELTA_SITE, 'airan.interval_ms': 30_000 }, temporality: 'delta', startMs: START, exportIntervalMs: 30_000, exports: 180, cellId });
    const times = ticks(180, 30_000);
    expect(output).toMatchObject({ times, codes: times.map(() => 0) });
    // Delta: each series starts at the previous collection; the observable gauge's first export again has start = time.
    expect(output.starts[0]).toEqual({ 'RRU.PrbTotDl': START, 'airan.inference.requests': START, 'RRC.ConnMean': times[0] });
    expect(output.starts[179]).toEqual({ 'RRU.PrbTotDl': times[178], 'airan.inference.requests': times[178], 'RRC.ConnMean': times[178] });

    expect(await cellsOf(DELTA_SITE, cellId)).toEqual(times.map((ts, i) => ({ cellId, ts, intervalMs: 30_000, ...values(i + 1) })));
    expect(await deadLetters(DELTA_SITE)).toEqual([]);
  });

  it('takes gauges a Collector forwards in OTLP/JSON without start times: 60 s, or what the resource declares', async () => {
    const ts = END + 30_000;
    const timeUnixNano = `${BigInt(ts) * 1_000_000n}`;
    const attribute = (k: string, v: string) => ({ key: k, value: { stringValue: v } });
    const cell = (cellId: string, value: Record<string, unknown>) => ({ attributes: [attribute('airan.cell.id', cellId)], timeUnixNano, ...value });
    const scope = { name: 'github.com/open-telemetry/opentelemetry-collector-contrib/receiver/prometheusreceiver', version: '0.112.0' };
    const body = {
      resourceMetrics: [
        {
          resource: { attributes: [attribute('airan.site.id', DELTA_SITE), attribute('service.name', 'ran-pm-exporter')] },
          scopeMetrics: [
            {
              scope,
              metrics: [
                { name: 'RRU.PrbTotDl', unit: '%', gauge: { dataPoints: [cell(`${DELTA_SITE}-c3`, { asDouble: 61.5 })] } },
                { name: 'RRC.ConnMean', gauge: { dataPoints: [cell(`${DELTA_SITE}-c3`, { asInt: '42' })] } },
                { name: 'DCGM_FI_DEV_GPU_UTIL', gauge: { dataPoints: [{ attributes: [attribute('Hostname', `${DELTA_SITE}-gpu01`), attribute('gpu', '0')], timeUnixNano, asDouble: 87 }] } },
              ],
            },
          ],
          schemaUrl: 'https://opentelemetry.io/schemas/1.9.0',
        },
        {
          // A resource processor inserting the site's interval: a string, as OTEL_RESOURCE_ATTRIBUTES writes it too.
          resource: { attributes: [attribute('airan.site.id', CUMULATIVE_SITE), attribute('airan.interval_ms', '15000')] },
          scopeMetrics: [{ scope, metrics: [{ name: 'RRU.PrbTotUl', unit: '%', gauge: { dataPoints: [cell(`${CUMULATIVE_SITE}-c3`, { asDouble: 12.5 })] } }] }],
        },
      ],
    };
    const response = await fetch(`${ingest.url}/v1/metrics`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});

    expect(await cellsOf(DELTA_SITE, `${DELTA_SITE}-c3`)).toEqual([{ cellId: `${DELTA_SITE}-c3`, ts, intervalMs: 60_000, prbDlPct: 61.5, rrcConnectedUes: 42 }]);
    expect(await cellsOf(CUMULATIVE_SITE, `${CUMULATIVE_SITE}-c3`)).toEqual([{ cellId: `${CUMULATIVE_SITE}-c3`, ts, intervalMs: 15_000, prbUlPct: 12.5 }]);
    const reports = (await readTopicToEnd<TelemetryReport>(`${isolation.topicPrefix}airan.telemetry.v1`)).map((m) => m.value);
    expect(reports.flatMap((r) => r.gpus)).toEqual([{ node: `${DELTA_SITE}-gpu01`, device: '0', ts, utilPct: 87 }]);
  });
});
