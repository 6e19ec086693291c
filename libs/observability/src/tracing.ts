import { context, propagation, trace, type Context, type Link, type Span, SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

let provider: NodeTracerProvider | undefined;

/**
 * Starts OpenTelemetry tracing for one app: W3C trace context, async-local context, and an
 * OTLP exporter when an endpoint is configured (spans are still created, and their context
 * still travels in Kafka headers, without one).
 */
export function initTracing(serviceName: string, otlpEndpoint?: string): void {
  if (provider) return;
  const spanProcessors: SpanProcessor[] = otlpEndpoint
    ? [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlpEndpoint.replace(/\/$/, '')}/v1/traces` }))]
    : [];
  provider = new NodeTracerProvider({ resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }), spanProcessors });
  provider.register();
}

export async function shutdownTracing(): Promise<void> {
  await provider?.shutdown();
  provider = undefined;
}

export const tracer = () => trace.getTracer('airan');

/** Carrier for W3C headers, as strings (Kafka headers arrive as Buffers; see kafka lib). */
export type TraceHeaders = Record<string, string>;

export function injectTraceHeaders(ctx: Context = context.active()): TraceHeaders {
  const carrier: TraceHeaders = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

export function extractTraceContext(headers: TraceHeaders): Context {
  return propagation.extract(context.active(), headers);
}

/** The span context of a `traceparent` header, as a link target (for spans that aggregate many inputs). */
export function linkFromHeaders(headers: TraceHeaders): Link | undefined {
  const spanContext = trace.getSpanContext(extractTraceContext(headers));
  return spanContext && trace.isSpanContextValid(spanContext) ? { context: spanContext } : undefined;
}

export function traceIdOf(headers: TraceHeaders): string | undefined {
  return linkFromHeaders(headers)?.context.traceId;
}

/** Runs `fn` inside a new active span, recording failures on it. */
export async function withSpan<T>(
  name: string,
  options: { kind?: SpanKind; links?: Link[]; parent?: Context; attributes?: Record<string, string | number> },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(name, { kind: options.kind, links: options.links, attributes: options.attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: 2 });
    throw error;
  } finally {
    span.end();
  }
}

export { SpanKind };
