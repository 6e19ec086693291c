import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthenticatedRequest } from '@airan/auth';
import { type Logger, type OpenSpan, PROBE_ROUTES, SpanKind, SpanStatusCode, extractTraceContext, startSpan, withContext } from '@airan/observability';

const PROBES = new Set<string>(Object.values(PROBE_ROUTES));

/**
 * One server span per HTTP request (continuing a caller's `traceparent`) and one access-log line per
 * request, written inside that span once the response has gone out. Refused requests (400 … 503) get
 * theirs too, so each request can be found by its key id and its trace. The key itself is never logged.
 */
export function registerRequestLog(app: FastifyInstance, logger: Logger): void {
  const spans = new WeakMap<FastifyRequest, OpenSpan>();

  app.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url;
    const attributes: Record<string, string> = { 'http.request.method': request.method };
    if (route) attributes['http.route'] = route;
    spans.set(request, startSpan(route ? `${request.method} ${route}` : request.method, { kind: SpanKind.SERVER, parent: extractTraceContext(request.headers), attributes }));
    done();
  });

  // The body is read on the socket's events, outside any context entered in onRequest; guards, controllers
  // and the error filter all run from the handler, which fastify calls synchronously from this `done`.
  app.addHook('preHandler', (request, _reply, done) => {
    const open = spans.get(request);
    if (open) withContext(open.context, () => done());
    else done();
  });

  app.addHook('onResponse', (request, reply, done) => {
    const open = spans.get(request);
    if (open) {
      const route = request.routeOptions.url;
      const keyId = (request as AuthenticatedRequest).principal?.keyId;
      open.span.setAttribute('http.response.status_code', reply.statusCode);
      if (keyId) open.span.setAttribute('airan.key_id', keyId);
      if (reply.statusCode >= 500) open.span.setStatus({ code: SpanStatusCode.ERROR });
      const line = { method: request.method, route, status: reply.statusCode, durationMs: Math.round(reply.elapsedTime * 10) / 10, keyId };
      // Probes and scrapers call every few seconds: their lines would drown the rest at info.
      withContext(open.context, () => (route && PROBES.has(route) ? logger.debug(line, 'http request') : logger.info(line, 'http request')));
      open.span.end();
    }
    done();
  });
}
