import { FastifyAdapter } from '@nestjs/platform-fastify';
import { trace } from '@opentelemetry/api';
import { createLogger, initTracing, shutdownTracing } from '@airan/observability';
import { registerRequestLog } from './request-log.hooks';

type Line = Record<string, unknown>;

describe('request log', () => {
  const lines: Line[] = [];
  // What the handler saw as its active span, after awaiting (the controller's view).
  const seenByHandler: string[] = [];
  const app = new FastifyAdapter({ bodyLimit: 64 }).getInstance();

  beforeAll(async () => {
    initTracing('request-log-spec');
    registerRequestLog(app, createLogger('spec', 'debug', { write: (line: string) => void lines.push(JSON.parse(line)) }));
    app.post('/v1/things/:id', async (request, reply) => {
      await new Promise((resolve) => setImmediate(resolve));
      seenByHandler.push(trace.getActiveSpan()!.spanContext().traceId);
      if ((request.body as { refuse?: boolean }).refuse) return reply.status(415).send({ error: 'refused' });
      (request as { principal?: unknown }).principal = { keyId: '0123456789ab', role: 'operator', subject: 'skt' };
      return reply.status(202).send({ ok: true });
    });
    app.get('/health/live', async () => ({ status: 'ok' }));
    await app.ready();
  });

  afterAll(async () => {
    await app.close();
    await shutdownTracing();
  });

  beforeEach(() => {
    lines.length = 0;
    seenByHandler.length = 0;
  });

  const post = (payload: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/v1/things/42', payload, headers: { 'content-type': 'application/json', authorization: 'Bearer airan_0123456789ab_secret', ...headers } });
  const accessLines = () => lines.filter((l) => l.msg === 'http request');

  it('writes one line per request inside the span the handler ran in, with route, status and key id, never the key', async () => {
    const response = await post('{"n":1}');
    expect(response.statusCode).toBe(202);
    expect(accessLines()).toEqual([
      expect.objectContaining({ level: 'info', method: 'POST', route: '/v1/things/:id', status: 202, keyId: '0123456789ab', trace_id: seenByHandler[0], durationMs: expect.any(Number) }),
    ]);
    expect(JSON.stringify(lines)).not.toContain('secret');
  });

  it('gives every request its own trace, and continues a caller’s traceparent', async () => {
    await post('{"n":1}');
    await post('{"n":2}', { traceparent: `00-${'c'.repeat(32)}-${'d'.repeat(16)}-01` });
    const [first, second] = accessLines();
    expect(first.trace_id).not.toBe(second.trace_id);
    expect(second.trace_id).toBe('c'.repeat(32));
    expect(second.span_id).not.toBe('d'.repeat(16));
  });

  it('logs a request the handler refuses, without a key id when none was authenticated', async () => {
    const response = await post('{"refuse":true}');
    expect(response.statusCode).toBe(415);
    expect(accessLines()).toEqual([expect.objectContaining({ status: 415, route: '/v1/things/:id', trace_id: seenByHandler[0] })]);
    expect(accessLines()[0]).not.toHaveProperty('keyId');
  });

  it('logs requests refused before any handler ran (malformed or too large bodies)', async () => {
    const malformed = await post('{"n":');
    const tooLarge = await post(JSON.stringify({ padding: 'x'.repeat(100) }));
    expect([malformed.statusCode, tooLarge.statusCode]).toEqual([400, 413]);
    expect(seenByHandler).toEqual([]);
    expect(accessLines()).toEqual([
      expect.objectContaining({ status: 400, route: '/v1/things/:id', trace_id: expect.stringMatching(/^[0-9a-f]{32}$/) }),
      expect.objectContaining({ status: 413, route: '/v1/things/:id', trace_id: expect.stringMatching(/^[0-9a-f]{32}$/) }),
    ]);
  });

  it('logs probes at debug only', async () => {
    await app.inject({ method: 'GET', url: '/health/live' });
    expect(accessLines()).toEqual([expect.objectContaining({ level: 'debug', route: '/health/live', status: 200 })]);
  });
});
