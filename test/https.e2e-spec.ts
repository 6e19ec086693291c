import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppName, ServiceProcess } from './support/service-process';
import { createApiKey, eventually, freePort, isolate } from './support/stack';

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** One request, over HTTPS or plain HTTP as the URL says; `ca` is the one certificate an HTTPS client trusts (none: only the system's). */
function send(url: string, options: { ca?: Buffer; method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  const request = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    // No agent: each request makes its own connection, so each sees the handshake (or refusal) itself.
    const outgoing = request(url, { method: options.method ?? 'GET', headers: options.headers, ca: options.ca, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

/** A self-signed certificate for 127.0.0.1 and its key, valid for a day, as PEM files in `dir`. */
function selfSigned(dir: string, name: string): { HTTPS_CERT_FILE: string; HTTPS_KEY_FILE: string } {
  const files = { HTTPS_CERT_FILE: join(dir, `${name}.crt`), HTTPS_KEY_FILE: join(dir, `${name}.key`) };
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '1', '-keyout', files.HTTPS_KEY_FILE, '-out', files.HTTPS_CERT_FILE], { stdio: 'ignore' });
  return files;
}

describe('HTTPS with a certificate and key', () => {
  const isolation = isolate();
  const dir = mkdtempSync(join(tmpdir(), 'airan-https-'));
  const tls = selfSigned(dir, 'airan');
  const ca = readFileSync(tls.HTTPS_CERT_FILE);
  const started: ServiceProcess[] = [];
  const urls: Partial<Record<AppName, string>> = {};

  /** Spawns the app with the certificate and waits until `/health/ready` answers 200 over HTTPS (ServiceProcess's own wait asks over HTTP). */
  async function startOverHttps(app: AppName): Promise<void> {
    const port = String(await freePort());
    const service = ServiceProcess.spawn(app, { ...isolation.env, ...tls, PORT: port });
    started.push(service);
    urls[app] = `https://127.0.0.1:${port}`;
    const ready = eventually(async () => {
      // Gone (its unexpectedExit says why, or the run is over): stop asking.
      if (!service.running) return;
      if ((await send(`${urls[app]}/health/ready`, { ca })).status !== 200) throw new Error(`${app} not ready yet`);
    }, 90_000);
    await Promise.race([ready, service.unexpectedExit()]);
  }

  beforeAll(async () => {
    await Promise.all([startOverHttps('api'), startOverHttps('ingest')]);
  });

  afterAll(async () => {
    await Promise.all(started.map((service) => service.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a client that trusts the certificate, with HSTS besides the usual security headers', async () => {
    for (const app of ['api', 'ingest'] as const) {
      const { status, headers } = await send(`${urls[app]}/health/ready`, { ca });
      expect([app, status, headers['strict-transport-security'], headers['x-content-type-options']]).toEqual([app, 200, 'max-age=31536000', 'nosniff']);
    }
  });

  it('serves authenticated requests over HTTPS, and refuses unauthenticated ones as over HTTP', async () => {
    const [ops, operator] = await Promise.all([createApiKey(isolation, 'ops', 'noc-kim'), createApiKey(isolation, 'operator', 'skt')]);
    const alerts = await send(`${urls.api}/v1/alerts`, { ca, headers: { authorization: `Bearer ${ops.key}` } });
    expect(alerts.status).toBe(200);
    expect(JSON.parse(alerts.body)).toEqual({ alerts: [], nextCursor: null });

    const batch = JSON.stringify({ records: [{ type: 'cell', siteId: 'skt-pangyo-01', cellId: 'skt-pangyo-01-c2', ts: new Date(Date.now() - 60_000).toISOString(), intervalMs: 15_000, gpuMs: 10 }] });
    const post = (authorization?: string) =>
      send(`${urls.ingest}/v1/telemetry`, { ca, method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: batch });
    // The operator key reaches ingest over the registry topic: 401 until it has.
    const accepted = await eventually(async () => {
      const answer = await post(`Bearer ${operator.key}`);
      if (answer.status === 401) throw new Error('key not known to ingest yet');
      return answer;
    });
    expect([accepted.status, JSON.parse(accepted.body)]).toEqual([202, expect.objectContaining({ accepted: 1, rejected: 0 })]);
    const refused = await post();
    expect([refused.status, refused.headers['www-authenticate']]).toEqual([401, 'Bearer realm="airan"']);
  });

  it('fails the handshake of a client that does not trust the certificate', async () => {
    for (const app of ['api', 'ingest'] as const) {
      await expect(send(`${urls[app]}/health/ready`)).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    }
  });

  it('serves nothing over plain HTTP on its port: the connection is dropped without an answer', async () => {
    for (const app of ['api', 'ingest'] as const) {
      await expect(send(`${urls[app]!.replace('https:', 'http:')}/health/ready`)).rejects.toMatchObject({ code: 'ECONNRESET' });
    }
  });

  describe('start-up exits non-zero, without a stack trace, naming what to fix', () => {
    const other = selfSigned(dir, 'other');
    const absent = join(dir, 'absent.key');
    it.each([
      ['only the certificate is given', { HTTPS_CERT_FILE: tls.HTTPS_CERT_FILE }, 'HTTPS_KEY_FILE is missing: HTTPS_CERT_FILE and HTTPS_KEY_FILE are set together'],
      ['only the key is given', { HTTPS_KEY_FILE: tls.HTTPS_KEY_FILE }, 'HTTPS_CERT_FILE is missing: HTTPS_CERT_FILE and HTTPS_KEY_FILE are set together'],
      ['the key file cannot be read', { ...tls, HTTPS_KEY_FILE: absent }, `HTTPS_KEY_FILE is "${absent}": cannot be read (ENOENT`],
      ['the key is not the certificate’s', { ...tls, HTTPS_KEY_FILE: other.HTTPS_KEY_FILE }, 'key values mismatch'],
    ])('when %s', async (_case, files, named) => {
      const app = ServiceProcess.spawn('ingest', { ...isolation.env, ...files });
      expect(await app.exitCode()).toBe(1);
      expect(app.logs).toContain(named);
      expect(app.logs).not.toMatch(/\n\s+at /);
    });
  });
});
