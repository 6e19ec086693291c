/**
 * A site's OpenTelemetry agent as its own process: reads `{ url, key, resourceAttributes, scopeMetrics }`
 * (sdk-metrics data, JSON) on stdin, sends it with OpenTelemetry's OTLP/HTTP protobuf exporter and prints
 * the ExportResult as JSON. A separate process because the exporter loads its transport with a dynamic
 * import, which Jest's module sandbox does not allow.
 */
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';

export interface SiteAgentInput {
  readonly url: string;
  readonly key: string;
  readonly resourceAttributes: Record<string, string>;
  readonly scopeMetrics: ResourceMetrics['scopeMetrics'];
}

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as SiteAgentInput;
  const exporter = new OTLPMetricExporter({ url: input.url, headers: { authorization: `Bearer ${input.key}` } });
  const data: ResourceMetrics = { resource: resourceFromAttributes(input.resourceAttributes), scopeMetrics: input.scopeMetrics };
  const result = await new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(data, resolve));
  await exporter.shutdown();
  process.stdout.write(JSON.stringify({ code: result.code, error: result.error?.message }));
}

if (require.main === module) void main();
