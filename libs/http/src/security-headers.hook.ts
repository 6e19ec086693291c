import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Headers every answer of every app carries unless its route set its own: no MIME sniffing, no
 * referrer, no framing, and not readable by other origins' pages. A JSON or text answer also gets a
 * Content-Security-Policy that allows nothing, so an answer opened in a browser runs no script; HTML
 * pages (the console, /docs) declare their own policy. An answer over HTTPS also tells browsers to use
 * nothing but HTTPS with this host for a year (HSTS); over plain HTTP that header would be ignored.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
};

/** The policy of an answer that is not a page: it may load and run nothing. */
export const NOTHING_ALLOWED = "default-src 'none'; frame-ancestors 'none'";
const HTTPS_ONLY = 'max-age=31536000';

export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    setSecurityHeaders(request, reply);
    done(null, payload);
  });
}

/** Sets them on one answer, as the hook does; for the few that fastify sends without running hooks (its router's refusals). */
export function setSecurityHeaders(request: FastifyRequest, reply: FastifyReply): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) if (!reply.hasHeader(name)) reply.header(name, value);
  const type = String(reply.getHeader('content-type') ?? '');
  if (!reply.hasHeader('content-security-policy') && !type.startsWith('text/html')) reply.header('content-security-policy', NOTHING_ALLOWED);
  // The connection's own protocol (no proxy is trusted to say otherwise): TLS that airan terminates.
  if (request.protocol === 'https' && !reply.hasHeader('strict-transport-security')) reply.header('strict-transport-security', HTTPS_ONLY);
}
