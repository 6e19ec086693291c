import { trace } from '@opentelemetry/api';
import { createLogger } from './logger';
import { batchTrace, initTracing, shutdownTracing, startSpan, withContext } from './tracing';

const traceparent = (traceId: string, spanId: string) => `00-${traceId}-${spanId}-01`;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

// The W3C propagator and the async-local context manager are what initTracing registers.
beforeAll(() => initTracing('tracing-spec'));
afterAll(() => shutdownTracing());

describe('batchTrace', () => {
  it('continues the trace when every message carries the same context', () => {
    const tp = traceparent('a'.repeat(32), 'b'.repeat(16));
    const { parent, links } = batchTrace([tp, tp, tp]);
    expect(trace.getSpanContext(parent)).toMatchObject({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), isRemote: true });
    expect(links).toEqual([]);
  });

  it('starts its own trace linked to each distinct context when the messages come from several', () => {
    const first = traceparent('1'.repeat(32), '2'.repeat(16));
    const second = traceparent('3'.repeat(32), '4'.repeat(16));
    const { parent, links } = batchTrace([first, second, first, 'not a traceparent']);
    expect(trace.getSpanContext(parent)).toBeUndefined();
    expect(links.map((l) => [l.context.traceId, l.context.spanId])).toEqual([
      ['1'.repeat(32), '2'.repeat(16)],
      ['3'.repeat(32), '4'.repeat(16)],
    ]);
  });

  it('starts its own trace without links when no message carries a context', () => {
    const { parent, links } = batchTrace([]);
    expect(trace.getSpanContext(parent)).toBeUndefined();
    expect(links).toEqual([]);
  });

  it('links at most 128 contexts, the first ones seen', () => {
    const many = Array.from({ length: 200 }, (_, i) => traceparent(hex(i + 1, 32), hex(i + 1, 16)));
    const { links } = batchTrace(many);
    expect(links).toHaveLength(128);
    expect(links[127].context.traceId).toBe(hex(128, 32));
  });
});

describe('log lines', () => {
  it('carry the ids of the span active where they are written, and none outside one', () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger('spec', 'info', { write: (line: string) => void lines.push(JSON.parse(line)) });
    const open = startSpan('work', {});
    withContext(open.context, () => logger.info('inside'));
    logger.info('outside');
    open.span.end();

    const { traceId, spanId } = open.span.spanContext();
    expect(lines).toEqual([
      expect.objectContaining({ msg: 'inside', service: 'spec', level: 'info', trace_id: traceId, span_id: spanId }),
      expect.not.objectContaining({ trace_id: expect.anything() }),
    ]);
  });
});
