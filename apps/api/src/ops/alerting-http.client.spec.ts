import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpAlertingClient } from './alerting-http.client';
import type { AlertingRequest } from './alerting.client';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** HttpAlertingClient against a real local HTTP server: what goes over the wire, and each way of getting no answer. */
describe('HttpAlertingClient', () => {
  const TOKEN = 'alerting-ops-token-0123456789';
  const seen: Seen[] = [];
  let respond: (res: import('node:http').ServerResponse) => void;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        respond(res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    seen.length = 0;
    respond = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"rules":[]}');
  });

  const request: AlertingRequest = { method: 'POST', path: '/internal/v1/rules/import', query: 'replace=true', body: 'rules: []\n', contentType: 'application/yaml', actor: 'noc-kim' };

  it('sends method, path, query, body and content type, with the token and the actor', async () => {
    const answer = await new HttpAlertingClient({ url, token: TOKEN, timeoutMs: 2000 }).send(request);
    expect(answer).toEqual({ status: 200, contentType: 'application/json', body: Buffer.from('{"rules":[]}') });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/internal/v1/rules/import?replace=true', body: 'rules: []\n' });
    expect(seen[0].headers).toMatchObject({ authorization: `Bearer ${TOKEN}`, 'x-airan-actor': 'noc-kim', 'content-type': 'application/yaml' });
  });

  it('returns error answers and redirects as they are, without following them', async () => {
    respond = (res) => res.writeHead(422, { 'content-type': 'application/json' }).end('{"error":{"code":"INVALID_RULE"}}');
    expect(await new HttpAlertingClient({ url, token: TOKEN, timeoutMs: 2000 }).send(request)).toMatchObject({ status: 422, body: Buffer.from('{"error":{"code":"INVALID_RULE"}}') });
    respond = (res) => res.writeHead(307, { location: 'http://elsewhere.example/' }).end();
    expect(await new HttpAlertingClient({ url, token: TOKEN, timeoutMs: 2000 }).send(request)).toMatchObject({ status: 307 });
    expect(seen).toHaveLength(2);
  });

  it('without a token sends nothing: ALERTING_NOT_CONFIGURED', async () => {
    await expect(new HttpAlertingClient({ url, timeoutMs: 2000 }).send(request)).rejects.toMatchObject({ feature: 'ops', code: 'ALERTING_NOT_CONFIGURED' });
    expect(seen).toEqual([]);
  });

  it('an answer slower than the timeout (headers or body) is ALERTING_TIMEOUT', async () => {
    const client = new HttpAlertingClient({ url, token: TOKEN, timeoutMs: 200 });
    respond = () => undefined;
    await expect(client.send(request)).rejects.toMatchObject({ code: 'ALERTING_TIMEOUT' });
    respond = (res) => res.writeHead(200, { 'content-type': 'application/json' }).write('{"rules":');
    await expect(client.send(request)).rejects.toMatchObject({ code: 'ALERTING_TIMEOUT' });
  });

  it('nothing listening is ALERTING_UNAVAILABLE, and the message does not carry the token', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const failure = await new HttpAlertingClient({ url: `http://127.0.0.1:${port}`, token: TOKEN, timeoutMs: 2000 }).send(request).catch((error: Error) => error);
    expect(failure).toMatchObject({ code: 'ALERTING_UNAVAILABLE' });
    expect((failure as Error).message).toContain('ECONNREFUSED');
    expect(JSON.stringify(failure)).not.toContain(TOKEN);
    expect((failure as Error).message).not.toContain(TOKEN);
  });
});
