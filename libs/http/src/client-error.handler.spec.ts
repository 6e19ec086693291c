import { once } from 'node:events';
import { maxHeaderSize } from 'node:http';
import { type Socket, connect, createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '@airan/observability';
import { answerClientError } from './client-error.handler';
import { createHttpAdapter } from './service.bootstrap';

describe("requests Node's parser cannot read", () => {
  let app: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    app = createHttpAdapter({ bodyLimitBytes: 1024 }, createLogger('spec', 'silent')).getInstance();
    app.get('/ok', async () => ({ ok: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
  });

  afterAll(() => app.close());

  /** Sends `raw` on a connection of its own and reads until the server closes it. */
  async function exchange(raw: string): Promise<{ status: number; headers: Record<string, string>; body: unknown }> {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('latin1').on('data', (text: string) => (received += text));
    // The server may close while this is still being written: what it answered is what counts.
    socket.on('error', () => undefined);
    socket.write(raw);
    await once(socket, 'close');
    const [head, body] = received.split('\r\n\r\n');
    const [statusLine, ...lines] = head.split('\r\n');
    return {
      status: Number(statusLine.split(' ')[1]),
      headers: Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()])),
      body: JSON.parse(body),
    };
  }

  it('answers a request line past the header limit with 431 in the error body, with the security headers, and closes', async () => {
    const answer = await exchange(`GET /ok?${'a'.repeat(maxHeaderSize + 1)} HTTP/1.1\r\nHost: airan\r\n\r\n`);
    expect(answer).toEqual({
      status: 431,
      headers: expect.objectContaining({ 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'none'; frame-ancestors 'none'", connection: 'close' }),
      body: { error: { code: 'HEADERS_TOO_LARGE', message: `the request line and headers together are larger than ${maxHeaderSize} bytes` } },
    });
  });

  it('answers headers past the limit the same way', async () => {
    const answer = await exchange(`GET /ok HTTP/1.1\r\nHost: airan\r\nX-Padding: ${'b'.repeat(maxHeaderSize)}\r\n\r\n`);
    expect([answer.status, answer.body]).toEqual([431, { error: expect.objectContaining({ code: 'HEADERS_TOO_LARGE' }) }]);
  });

  it('answers what is not HTTP/1.1 with 400 MALFORMED_REQUEST', async () => {
    for (const raw of ['HELLO\r\n\r\n', 'GET /ok HTTP/1.1\r\nHost airan\r\n\r\n', 'GET /ok HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n']) {
      const answer = await exchange(raw);
      expect([raw, answer.status, answer.body]).toEqual([raw, 400, { error: { code: 'MALFORMED_REQUEST', message: 'the request is not valid HTTP/1.1' } }]);
    }
  });

  it('still serves a request within the limit', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/ok?${'a'.repeat(maxHeaderSize / 2)}`);
    expect([response.status, await response.json()]).toEqual([200, { ok: true }]);
  });

  it('answers a client too slow with its headers with 408 (the error Node raises then, on a socket of its own)', async () => {
    const server = createServer((socket: Socket) => answerClientError(Object.assign(new Error('Request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const client = connect((server.address() as { port: number }).port, '127.0.0.1');
      let received = '';
      client.setEncoding('latin1').on('data', (text: string) => (received += text));
      await once(client, 'close');
      expect([received.split('\r\n')[0], JSON.parse(received.split('\r\n\r\n')[1])]).toEqual(['HTTP/1.1 408 Request Timeout', { error: { code: 'REQUEST_TIMEOUT', message: 'the request was not received in time' } }]);
    } finally {
      server.close();
    }
  });
});
