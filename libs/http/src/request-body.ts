import type { FastifyRequest } from 'fastify';

/** As fastify decides it: a body is announced by a non-zero Content-Length or by Transfer-Encoding. */
export function announcesBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
