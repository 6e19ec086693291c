import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';

/** How long a client may go on sending a refused body after its answer, before the connection is closed. */
export const REFUSED_BODY_LINGER_MS = 5_000;

/**
 * Lets a client finish sending a body the server refused before reading it all (413 once Content-Length
 * passes the limit, or mid-stream; a decoding error). Fastify answers those with `Connection: close`, and
 * Node then closes the socket while the client is still writing: the client's next bytes meet a reset,
 * which can erase the answer before the client has read it (RFC 9112 §9.6). A client that writes its
 * whole body before reading, as fetch under load does, then sees no answer at all. Instead the answer
 * keeps the connection, the rest of the body is read and dropped, and a client still sending after
 * `lingerMs` is cut off: the time, not the bytes, bounds what a refused request can cost.
 */
export function drainRefusedBodies(app: FastifyInstance, lingerMs = REFUSED_BODY_LINGER_MS): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    const raw = request.raw;
    if (reply.getHeader('connection') === 'close' && !raw.complete) {
      reply.removeHeader('connection');
      reply.raw.once('finish', () => drain(raw, lingerMs));
    }
    done(null, payload);
  });
}

function drain(request: IncomingMessage, lingerMs: number): void {
  if (request.complete) return;
  // Destroying an unfinished request destroys its socket.
  const cutOff = setTimeout(() => request.destroy(), lingerMs).unref();
  request.once('end', () => clearTimeout(cutOff));
  request.once('close', () => clearTimeout(cutOff));
  // Node drains a body nobody read; one a parser stopped reading halfway is resumed here.
  request.resume();
}
