/**
 * A site's OpenTelemetry agent that compresses what it sends, as its own process: reads
 * `CompressedAgentInput` (JSON) on stdin, sends the metrics once with OpenTelemetry's OTLP/HTTP exporter
 * (protobuf or JSON) configured with `compression: 'gzip'`, and prints `CompressedAgentOutput`: the
 * ExportResult and the Content-Encoding the exporter put on its request, so a test knows the body was
 * compressed rather than assuming it. A separate process because the exporter loads its transport with a
 * dynamic import, which Jest's module sandbox does not allow.
 */
import { ClientRequest } from 'node:http';
import { OTLPMetricExporter as JsonExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtobufExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';

export interface CompressedAgentInput {
  readonly url: string;
  readonly key: string;
  readonly encoding: 'protobuf' | 'json';
  readonly resourceAttributes: Record<string, string>;
  readonly scopeMetrics: ResourceMetrics['scopeMetrics'];
}

export interface CompressedAgentOutput {
  readonly code: number;
  readonly error?: string;
  /** Every Content-Encoding the exporter set on a request. */
  readonly contentEncodings: string[];
}

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as CompressedAgentInput;

  const contentEncodings: string[] = [];
  const setHeader = ClientRequest.prototype.setHeader;
  ClientRequest.prototype.setHeader = function (this: ClientRequest, name: string, value: number | string | readonly string[]) {
    if (name.toLowerCase() === 'content-encoding') contentEncodings.push(String(value));
    return setHeader.call(this, name, value);
  };

  const options = { url: input.url, headers: { authorization: `Bearer ${input.key}` }, compression: CompressionAlgorithm.GZIP };
  const exporter = input.encoding === 'protobuf' ? new ProtobufExporter(options) : new JsonExporter(options);
  const data: ResourceMetrics = { resource: resourceFromAttributes(input.resourceAttributes), scopeMetrics: input.scopeMetrics };
  const result = await new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(data, resolve));
  await exporter.shutdown();
  const output: CompressedAgentOutput = { code: result.code, ...(result.error ? { error: result.error.message } : {}), contentEncodings };
  process.stdout.write(JSON.stringify(output));
}

if (require.main === module) void main();
