/**
 * A site's OpenTelemetry agent that has been running for a while, as its own process: OpenTelemetry's
 * MeterProvider with a PeriodicExportingMetricReader and the OTLP/HTTP protobuf exporter, instruments
 * created and measured the way a site's code does, and the agent's clock starting `startMs` (e.g. 90
 * minutes in the past).
 *
 * sdk-metrics takes every time it reports from `Date.now()`: the time of a measurement (which becomes
 * the start time of a new series: the sync instruments' `startTimeUnixNano`), and the collection time
 * (every point's `timeUnixNano`, and the start of an observable instrument's series at its first
 * collection). This process replaces `Date.now` with a virtual clock that stands still between
 * steps, so the SDK's own start times are exactly what it would report after running since `startMs`,
 * and every timestamp is known to the millisecond. The reader collects and exports once per
 * `exportIntervalMs` of that clock (its `forceFlush`, what its timer would do; the timer itself is set
 * beyond the run). Every export goes to ingest.
 *
 * Reads `SdkAgentInput` (JSON) on stdin and prints `SdkAgentOutput` (JSON). A separate process because
 * the exporter loads its transport with a dynamic import, which Jest's module sandbox does not allow.
 */
import { ValueType } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';

export interface SdkAgentInput {
  readonly url: string;
  readonly key: string;
  readonly resourceAttributes: Record<string, string | number>;
  /** The exporter's `temporalityPreference` (cumulative is the SDK's default). */
  readonly temporality: 'cumulative' | 'delta';
  /** The agent's clock when it starts: the MeterProvider, its instruments and their first measurements. */
  readonly startMs: number;
  readonly exportIntervalMs: number;
  /** Collections (and exports), one every `exportIntervalMs` after `startMs`. */
  readonly exports: number;
  readonly cellId: string;
}

export interface SdkAgentOutput {
  /** `timeUnixNano` (ms) of each export, in order. */
  readonly times: number[];
  /** The `startTimeUnixNano` (ms) the SDK gave each metric's point in each export, by metric name. */
  readonly starts: Array<Record<string, number>>;
  /** ExportResultCode of each export (0 = SUCCESS), and the first error, if any. */
  readonly codes: number[];
  readonly error?: string;
}

/**
 * What the agent measures for its cell in the interval that ends with export `k` (1-based): a sync
 * gauge (PRB use), an observable gauge read at each collection (RRC connected UEs) and a counter
 * (inference requests) of the same cell.
 */
export const agentValues = (k: number) => ({ prbDlPct: 20 + (k % 60) + 0.25, rrcConnectedUes: k, inferenceRequests: 100 + k });

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as SdkAgentInput;

  let clock = input.startMs;
  Date.now = () => clock;

  const exporter = new OTLPMetricExporter({
    url: input.url,
    headers: { authorization: `Bearer ${input.key}` },
    temporalityPreference: input.temporality === 'delta' ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE,
  });
  const codes: number[] = [];
  const starts: Array<Record<string, number>> = [];
  let error: string | undefined;
  const send = exporter.export.bind(exporter);
  exporter.export = (data, done) => {
    const metrics = data.scopeMetrics.flatMap((scope) => scope.metrics);
    starts.push(Object.fromEntries(metrics.map((m) => [m.descriptor.name, m.dataPoints[0].startTime[0] * 1000 + Math.round(m.dataPoints[0].startTime[1] / 1e6)])));
    return send(data, (result) => {
      codes.push(result.code);
      error ??= result.error?.message;
      done(result);
    });
  };
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 2 ** 31 - 1 });
  const provider = new MeterProvider({ resource: resourceFromAttributes(input.resourceAttributes), readers: [reader] });
  const meter = provider.getMeter('site-agent', '1.0.0');
  const cell = { 'airan.cell.id': input.cellId };
  const prb = meter.createGauge('RRU.PrbTotDl', { unit: '%' });
  const requests = meter.createCounter('airan.inference.requests', { unit: '{request}', valueType: ValueType.INT });
  let k = 1;
  meter.createObservableGauge('RRC.ConnMean', { unit: '{UE}' }).addCallback((result) => result.observe(agentValues(k).rrcConnectedUes, cell));

  const times: number[] = [];
  for (; k <= input.exports; k++) {
    // Measured during the interval (here at its start, right after the previous collection)…
    clock = input.startMs + (k - 1) * input.exportIntervalMs;
    prb.record(agentValues(k).prbDlPct, cell);
    requests.add(agentValues(k).inferenceRequests, cell);
    // …collected and exported at its end.
    clock = input.startMs + k * input.exportIntervalMs;
    await reader.forceFlush();
    times.push(clock);
  }
  await exporter.shutdown();
  const output: SdkAgentOutput = { times, starts, codes, ...(error !== undefined ? { error } : {}) };
  process.stdout.write(JSON.stringify(output), () => process.exit(0));
}

if (require.main === module) void main();
