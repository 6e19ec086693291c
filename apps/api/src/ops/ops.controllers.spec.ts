import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { type Principal, apiKeyAuthProviders, generateApiKey } from '@airan/auth';
import { createHttpAdapter, httpErrorProviders } from '@airan/http';
import { createLogger } from '@airan/observability';
import { PARAMS_HTTP_STATUS } from '../params/params.errors';
import { PublicAlertActionsController } from './public-alert-actions.controller';
import { ALERTING_CLIENT, type AlertingClient, type AlertingRequest, type AlertingResponse } from './alerting.client';
import { AlertingForwarder } from './alerting.forwarder';
import { OPS_HTTP_STATUS, OpsError } from './ops.errors';
import { RULES_YAML_MEDIA_TYPES } from './ops.openapi';
import { PublicRulesController } from './public-rules.controller';
import { PublicSilencesController } from './public-silences.controller';

/** Stands in for alerting: records what it is sent, answers what the test says. */
class FakeAlertingClient implements AlertingClient {
  readonly received: AlertingRequest[] = [];
  answer: AlertingResponse | OpsError = { status: 200, contentType: 'application/json; charset=utf-8', body: Buffer.from('{"ok":true}') };

  async send(request: AlertingRequest): Promise<AlertingResponse> {
    this.received.push(request);
    if (this.answer instanceof OpsError) throw this.answer;
    return this.answer;
  }
}

describe('ops endpoints forwarded to alerting', () => {
  const alerting = new FakeAlertingClient();
  const opsKey = generateApiKey().key;
  const partnerKey = generateApiKey().key;
  const principals = new Map<string, Principal>([
    [opsKey, { keyId: 'k-ops', role: 'ops', subject: 'noc-kim' }],
    [partnerKey, { keyId: 'k-partner', role: 'partner', subject: 'etri' }],
  ]);
  const BODY_LIMIT = 64 * 1024;
  const logger = createLogger('test', 'silent');
  let app: NestFastifyApplication;

  beforeAll(async () => {
    @Module({
      controllers: [PublicRulesController, PublicSilencesController, PublicAlertActionsController],
      providers: [
        AlertingForwarder,
        { provide: ALERTING_CLIENT, useValue: alerting },
        ...apiKeyAuthProviders({ findActive: async (key) => principals.get(key) }),
        ...httpErrorProviders({ ops: OPS_HTTP_STATUS, params: PARAMS_HTTP_STATUS }, logger),
      ],
    })
    class TestModule {}
    const moduleRef = await Test.createTestingModule({ imports: [TestModule] }).compile();
    // The adapter startService builds, with the api's text media types.
    const adapter = createHttpAdapter({ bodyLimitBytes: BODY_LIMIT, textMediaTypes: RULES_YAML_MEDIA_TYPES }, logger);
    app = moduleRef.createNestApplication<NestFastifyApplication>(adapter, { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  beforeEach(() => {
    alerting.received.length = 0;
    alerting.answer = { status: 200, contentType: 'application/json; charset=utf-8', body: Buffer.from('{"ok":true}') };
  });

  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, options: { key?: string; body?: string; contentType?: string } = {}) =>
    app.inject({
      method,
      url,
      headers: { ...(options.key === undefined ? { authorization: `Bearer ${opsKey}` } : options.key ? { authorization: `Bearer ${options.key}` } : {}), ...(options.contentType ? { 'content-type': options.contentType } : {}) },
      payload: options.body,
    });

  it.each([
    ['GET', '/v1/rules', '/internal/v1/rules', ''],
    ['GET', '/v1/rules/inference-load-high', '/internal/v1/rules/inference-load-high', ''],
    ['DELETE', '/v1/rules/inference-load-high', '/internal/v1/rules/inference-load-high', ''],
    ['GET', '/v1/rules.yaml', '/internal/v1/rules/export', ''],
    ['GET', '/v1/silences?expired=true', '/internal/v1/silences', 'expired=true'],
    ['DELETE', '/v1/silences/6f1c1c5e-3b7a-4d4e-9a51-2f0a8f1d2c3b', '/internal/v1/silences/6f1c1c5e-3b7a-4d4e-9a51-2f0a8f1d2c3b', ''],
    ['POST', '/v1/alerts/00ff00ff00ff00ff/unack', '/internal/v1/alerts/00ff00ff00ff00ff/unack', ''],
    ['GET', '/v1/alerts/00ff00ff00ff00ff/notifications?limit=5', '/internal/v1/alerts/00ff00ff00ff00ff/notifications', 'limit=5'],
  ] as const)('%s %s goes to %s as the caller', async (method, url, path, query) => {
    const response = await call(method, url);
    expect(response.statusCode).toBe(200);
    expect(alerting.received).toEqual([{ method, path, query, actor: 'noc-kim' }]);
  });

  it.each([
    ['PUT', '/v1/rules/cpu-hot', '/internal/v1/rules/cpu-hot', { alertname: 'CpuHot', threshold: 0.9 }],
    ['POST', '/v1/silences', '/internal/v1/silences', { matchers: [{ name: 'site', op: '=', value: 'kt-1' }], comment: 'maintenance' }],
    ['POST', '/v1/alerts/00ff00ff00ff00ff/ack', '/internal/v1/alerts/00ff00ff00ff00ff/ack', { comment: 'looking' }],
    ['POST', '/v1/alerts/00ff00ff00ff00ff/assign', '/internal/v1/alerts/00ff00ff00ff00ff/assign', { assignee: 'lee' }],
  ] as const)('%s %s passes its JSON body and content type on', async (method, url, path, body) => {
    await call(method, url, { body: JSON.stringify(body), contentType: 'application/json' });
    expect(alerting.received).toEqual([{ method, path, query: '', body: JSON.stringify(body), contentType: 'application/json', actor: 'noc-kim' }]);
  });

  it.each([
    ['a form, as the JSON it was read into', 'comment=looking', 'application/x-www-form-urlencoded', '{"comment":"looking"}'],
    ['a JSON string, as that string, not its contents', '"{\\"comment\\":\\"looking\\"}"', 'application/json', '"{\\"comment\\":\\"looking\\"}"'],
  ])('passes %s, labelled JSON', async (_, body, contentType, forwarded) => {
    await call('POST', '/v1/alerts/00ff00ff00ff00ff/ack', { body, contentType });
    expect(alerting.received).toEqual([{ method: 'POST', path: '/internal/v1/alerts/00ff00ff00ff00ff/ack', query: '', body: forwarded, contentType: 'application/json', actor: 'noc-kim' }]);
  });

  it.each(['application/yaml', 'text/yaml; charset=utf-8', 'application/x-yaml'])('imports rules as %s text, exactly as sent, with ?replace', async (contentType) => {
    const yaml = 'rules:\n  - id: cpu-hot   # a comment survives\n    alertname: CpuHot\n';
    await call('POST', '/v1/rules/import?replace=true', { body: yaml, contentType });
    expect(alerting.received).toEqual([{ method: 'POST', path: '/internal/v1/rules/import', query: 'replace=true', body: yaml, contentType, actor: 'noc-kim' }]);
  });

  it('refuses a YAML body over the limit without forwarding it', async () => {
    const response = await call('POST', '/v1/rules/import', { body: `# ${'x'.repeat(BODY_LIMIT)}`, contentType: 'application/yaml' });
    expect(response.statusCode).toBe(413);
    expect(alerting.received).toEqual([]);
  });

  it("relays alerting's status, content type and body unchanged", async () => {
    const body = JSON.stringify({ error: { code: 'INVALID_RULE', message: 'invalid rule', details: [{ path: '$.threshold', code: 'INVALID_VALUE', message: 'Expected number' }] } });
    alerting.answer = { status: 422, contentType: 'application/json; charset=utf-8', body: Buffer.from(body) };
    const response = await call('PUT', '/v1/rules/cpu-hot', { body: '{"threshold":"high"}', contentType: 'application/json' });
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.body).toBe(body);

    alerting.answer = { status: 200, contentType: 'text/yaml', body: Buffer.from('rules: []\n') };
    const exported = await call('GET', '/v1/rules.yaml');
    expect([exported.statusCode, exported.headers['content-type'], exported.body]).toEqual([200, 'text/yaml', 'rules: []\n']);

    alerting.answer = { status: 204, body: Buffer.alloc(0) };
    const deleted = await call('DELETE', '/v1/rules/cpu-hot');
    expect([deleted.statusCode, deleted.body]).toEqual([204, '']);
  });

  it.each([
    ['ALERTING_UNAVAILABLE', 502],
    ['ALERTING_TIMEOUT', 504],
    ['ALERTING_NOT_CONFIGURED', 503],
  ] as const)('answers %s as %i', async (code, status) => {
    alerting.answer = new OpsError(code, 'forwarding failed');
    const response = await call('GET', '/v1/rules');
    expect(response.statusCode).toBe(status);
    expect(response.json()).toEqual({ error: { code, message: 'forwarding failed' } });
  });

  it.each([
    ['GET', '/v1/rules/Not_A_Rule', 'path.id'],
    ['PUT', `/v1/rules/${'a'.repeat(64)}`, 'path.id'],
    ['DELETE', '/v1/rules/-leading-dash', 'path.id'],
    ['DELETE', '/v1/silences/not-a-uuid', 'path.id'],
    ['POST', '/v1/alerts/00FF00FF00FF00FF/ack', 'path.fingerprint'],
    ['POST', '/v1/alerts/00ff00ff/assign', 'path.fingerprint'],
    ['GET', '/v1/alerts/NOT-HEX/notifications', 'path.fingerprint'],
  ] as const)('%s %s: 400 naming %s, nothing forwarded', async (method, url, path) => {
    const response = await call(method, url, method === 'GET' || method === 'DELETE' ? {} : { body: '{}', contentType: 'application/json' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'INVALID_PATH_PARAMETER', details: [{ path, code: 'INVALID_VALUE' }] } });
    expect(alerting.received).toEqual([]);
  });

  it.each([
    ['GET', '/v1/silences?state=active', 'query.state', 'UNKNOWN_FIELD'],
    ['GET', '/v1/silences?expired=yes', 'query.expired', 'INVALID_VALUE'],
    ['POST', '/v1/rules/import?replace=1', 'query.replace', 'INVALID_VALUE'],
    ['GET', '/v1/rules?page=2', 'query.page', 'UNKNOWN_FIELD'],
    ['GET', '/v1/alerts/00ff00ff00ff00ff/notifications?limit=0', 'query.limit', 'INVALID_VALUE'],
    ['GET', '/v1/alerts/00ff00ff00ff00ff/notifications?limit=201', 'query.limit', 'INVALID_VALUE'],
  ] as const)('%s %s: 400 naming %s, nothing forwarded', async (method, url, path, code) => {
    const response = await call(method, url, method === 'POST' ? { body: 'rules: []\n', contentType: 'application/yaml' } : {});
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'INVALID_QUERY', details: [{ path, code }] } });
    expect(alerting.received).toEqual([]);
  });

  it('needs a key, of role ops or admin', async () => {
    expect((await call('GET', '/v1/rules', { key: '' })).statusCode).toBe(401);
    expect((await call('POST', '/v1/alerts/00ff00ff00ff00ff/ack', { key: partnerKey })).statusCode).toBe(403);
    expect(alerting.received).toEqual([]);
  });
});
