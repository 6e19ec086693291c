import { ROOT_CONTEXT, context, propagation, trace, type Context, type Link, type Span, SpanKind, SpanStatusCode } from '@opentelemetry/api';
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

/** Also takes HTTP request headers as they arrive (a repeated header is an array; the first counts). */
export function extractTraceContext(headers: Readonly<Record<string, string | string[] | undefined>>): Context {
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

/** The SDK keeps 128 links per span by default; more would only be built to be dropped. */
const MAX_BATCH_LINKS = 128;

/**
 * Work done for a batch of messages: when they all carry the same trace context (a batch one request
 * produced) it continues that trace; otherwise it starts its own, linked to each (at most MAX_BATCH_LINKS).
 */
export function batchTrace(traceparents: Iterable<string>): { parent: Context; links: Link[] } {
  const distinct = new Set(traceparents);
  if (distinct.size === 1) return { parent: propagation.extract(ROOT_CONTEXT, { traceparent: distinct.values().next().value! }), links: [] };
  const links = [...distinct].slice(0, MAX_BATCH_LINKS).flatMap((traceparent) => linkFromHeaders({ traceparent }) ?? []);
  return { parent: ROOT_CONTEXT, links };
}

export interface SpanOptions {
  readonly kind?: SpanKind;
  readonly links?: Link[];
  /** The context to continue; the active one when not given. */
  readonly parent?: Context;
  readonly attributes?: Record<string, string | number>;
}

/** A started span and the context it is active in; whoever started it ends it. */
export interface OpenSpan {
  readonly span: Span;
  readonly context: Context;
}

/** For spans whose life is not one callback (an HTTP request, from its first hook to its response). */
export function startSpan(name: string, options: SpanOptions): OpenSpan {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(name, { kind: options.kind, links: options.links, attributes: options.attributes }, parent);
  return { span, context: trace.setSpan(parent, span) };
}

/** Runs `fn` with `ctx` active: spans started and log lines written meanwhile belong to its trace. */
export function withContext<T>(ctx: Context, fn: () => T): T {
  return context.with(ctx, fn);
}

/** Runs `fn` inside a new active span, recording failures on it. */
export async function withSpan<T>(name: string, options: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  const { span, context: active } = startSpan(name, options);
  try {
    return await context.with(active, () => fn(span));
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw error;
  } finally {
    span.end();
  }
}

export { SpanKind, SpanStatusCode };
