import { STATUS_CODES, maxHeaderSize } from 'node:http';
import type { Socket } from 'node:net';
import { REQUEST_HTTP_STATUS, type RequestErrorCode } from './request.errors';
import { NOTHING_ALLOWED, SECURITY_HEADERS } from './security-headers.hook';

/**
 * fastify's `clientErrorHandler`: a request Node's parser could not read (headers past Node's
 * `maxHeaderSize`, 16 KiB, a request line or header that is not HTTP/1.1, a client too slow to send its
 * headers) never becomes a request, so no route, hook or error filter sees it. Answered here in airan's error body with the
 * security headers, as every other refusal, then the connection is closed: what follows on it cannot be
 * read either. A connection already gone gets nothing.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [code, message] = clientErrorOf(error.code);
  const status = REQUEST_HTTP_STATUS[code];
  const body = JSON.stringify({ error: { code, message } });
  const headers = { ...SECURITY_HEADERS, 'content-security-policy': NOTHING_ALLOWED, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), connection: 'close' };
  if (socket.writable) socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n${body}`);
  socket.destroy();
}

function clientErrorOf(nodeCode: string | undefined): [RequestErrorCode, string] {
  switch (nodeCode) {
    case 'HPE_HEADER_OVERFLOW':
      return ['HEADERS_TOO_LARGE', `the request line and headers together are larger than ${maxHeaderSize} bytes`];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return ['REQUEST_TIMEOUT', 'the request was not received in time'];
    default:
      return ['MALFORMED_REQUEST', 'the request is not valid HTTP/1.1'];
  }
}
