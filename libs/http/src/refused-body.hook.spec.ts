import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { drainRefusedBodies } from './refused-body.hook';

const LIMIT = 64 * 1024;

/** A raw HTTP/1.1 client on one socket: fetch would hide whether the connection survived. */
class RawClient {
  private received = '';
  private readonly waiters: Array<() => void> = [];

  private constructor(readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (text: string) => {
      this.received += text;
      this.waiters.splice(0).forEach((wake) => wake());
    });
  }

  static async open(port: number): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    return new RawClient(socket);
  }

  write(data: string): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(data, (error) => (error ? reject(error) : resolve())));
  }

  /** Resolves once `count` whole answers (status line to the end of a JSON body) have arrived; rejects if the socket closes first. */
  async answers(count: number): Promise<string[]> {
    for (;;) {
      const answers = this.received.split(/(?=HTTP\/1\.1 )/).filter((answer) => /\r\n\r\n.*\}$/s.test(answer));
      if (answers.length >= count) return answers;
      if (this.socket.closed) throw new Error(`the server closed the connection after ${JSON.stringify(this.received)}`);
      await new Promise<void>((wake) => {
        this.waiters.push(wake);
        this.socket.once('close', wake);
      });
    }
  }
}

const post = (headers: string) => `POST /things HTTP/1.1\r\nHost: airan\r\nContent-Type: application/json\r\n${headers}\r\n`;
const GET = 'GET /ok HTTP/1.1\r\nHost: airan\r\n\r\n';
const chunk = (size: number) => `${size.toString(16)}\r\n${'x'.repeat(size)}\r\n`;

describe('a body refused before it was read', () => {
  let app: FastifyInstance;
  let port: number;
  const clients: RawClient[] = [];
  const open = async () => {
    const client = await RawClient.open(port);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    app = Fastify({ bodyLimit: LIMIT });
    drainRefusedBodies(app, 300);
    app.post('/things', async () => ({ stored: true }));
    app.get('/ok', async () => ({ ok: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
  });

  afterAll(async () => {
    for (const client of clients) client.socket.destroy();
    await app.close();
  });

  it('may be sent to its end after the 413 that refused its length, and the connection serves the next request', async () => {
    const client = await open();
    await client.write(post(`Content-Length: ${4 * LIMIT}\r\n`) + 'x'.repeat(LIMIT / 2));
    const [refusal] = await client.answers(1);
    expect(refusal).toMatch(/^HTTP\/1\.1 413 /);
    expect(refusal).not.toMatch(/^connection: close/im);
    await client.write('x'.repeat(4 * LIMIT - LIMIT / 2));
    await client.write(GET);
    expect((await client.answers(2))[1]).toMatch(/^HTTP\/1\.1 200 [\s\S]*\{"ok":true\}$/);
  });

  it('may be sent to its end after a 413 found mid-stream (chunked), and the connection serves the next request', async () => {
    const client = await open();
    await client.write(post('Transfer-Encoding: chunked\r\n') + chunk(LIMIT / 2) + chunk(LIMIT / 2) + chunk(LIMIT / 2));
    expect((await client.answers(1))[0]).toMatch(/^HTTP\/1\.1 413 /);
    await client.write(chunk(LIMIT) + chunk(LIMIT) + '0\r\n\r\n');
    await client.write(GET);
    expect((await client.answers(2))[1]).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('is cut off when its client is still sending after the linger', async () => {
    const client = await open();
    await client.write(post(`Content-Length: ${4 * LIMIT}\r\n`) + 'x'.repeat(LIMIT / 2));
    expect((await client.answers(1))[0]).toMatch(/^HTTP\/1\.1 413 /);
    if (!client.socket.closed) await once(client.socket, 'close');
    expect(client.socket.closed).toBe(true);
  });

  it('leaves a body that was read whole alone: a malformed one still closes the connection', async () => {
    const client = await open();
    await client.write(post('Content-Length: 5\r\n') + '{"a":');
    const [refusal] = await client.answers(1);
    expect(refusal).toMatch(/^HTTP\/1\.1 400 [\s\S]*^connection: close/im);
  });
});
