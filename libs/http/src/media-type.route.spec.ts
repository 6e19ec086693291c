import { Body, Controller, Get, HttpCode, Module, Post } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { type Principal, apiKeyAuthProviders, generateApiKey } from '@airan/auth';
import { createLogger } from '@airan/observability';
import { ErrorBody } from './http-error.filter';
import { AcceptsMediaTypes, MediaTypeInterceptor } from './media-type.route';
import { createHttpAdapter, httpErrorProviders } from './service.bootstrap';

const key = generateApiKey().key;
const principals = new Map<string, Principal>([[key, { keyId: 'k-1', role: 'operator', subject: 'skt' }]]);

@Controller('v1/things')
class ThingsController {
  @Post()
  @HttpCode(202)
  @AcceptsMediaTypes({ 'application/json': 'json', 'application/vnd.thing+json': 'json' })
  json(@Body() body: unknown) {
    return { body };
  }

  /** Its own error body, declared above its media types: both must survive. */
  @Post('text')
  @HttpCode(202)
  @ErrorBody(({ code, message }) => ({ failure: { code, message } }))
  @AcceptsMediaTypes({ 'text/plain': 'text', 'application/openmetrics-text': 'text', 'application/x-thing': 'binary' })
  text(@Body() body: unknown) {
    return { type: Buffer.isBuffer(body) ? 'buffer' : typeof body, body: Buffer.isBuffer(body) ? body.toString('hex') : body };
  }

  @Get()
  list() {
    return { things: [] };
  }
}

describe('route media types, trailing slashes and Bearer challenges', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const logger = createLogger('spec', 'silent');
    @Module({
      controllers: [ThingsController],
      providers: [...apiKeyAuthProviders({ findActive: async (k) => principals.get(k) }), ...httpErrorProviders({}, logger), { provide: APP_INTERCEPTOR, useClass: MediaTypeInterceptor }],
    })
    class SpecModule {}
    const moduleRef = await Test.createTestingModule({ imports: [SpecModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter({ bodyLimitBytes: 4096 }, logger), { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  const post = (url: string, contentType: string | undefined, payload: string, authorization = `Bearer ${key}`) =>
    app.inject({ method: 'POST', url, payload, headers: { authorization, ...(contentType ? { 'content-type': contentType } : {}) } });

  it('reads each declared media type as declared, parameters allowed', async () => {
    expect((await post('/v1/things', 'application/vnd.thing+json; charset=utf-8', '{"a":1}')).json()).toEqual({ body: { a: 1 } });
    const om = await post('/v1/things/text', 'application/openmetrics-text; version=1.0.0; charset=utf-8', 'x 1\n# EOF\n');
    expect([om.statusCode, om.json()]).toEqual([202, { type: 'string', body: 'x 1\n# EOF\n' }]);
    expect((await post('/v1/things/text', 'application/x-thing', 'AB')).json()).toEqual({ type: 'buffer', body: '4142' });
  });

  it('refuses a parseable but undeclared type after authentication, with 415 naming the declared ones', async () => {
    const response = await post('/v1/things', 'text/plain', 'x');
    expect(response.statusCode).toBe(415);
    expect(response.json()).toEqual({
      error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'content-type must be application/json or application/vnd.thing+json, got text/plain', accepted: ['application/json', 'application/vnd.thing+json'] },
    });
    // Authentication comes first: an unknown caller learns nothing about the route.
    expect((await post('/v1/things', 'text/plain', 'x', 'Bearer nope')).statusCode).toBe(401);
  });

  it("names the declared types on fastify's own 415 too (a type no parser takes), in the route's own error body", async () => {
    const json = await post('/v1/things', 'application/xml', '<a/>');
    expect([json.statusCode, json.json()]).toEqual([
      415,
      { error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'content-type must be application/json or application/vnd.thing+json, got application/xml', accepted: ['application/json', 'application/vnd.thing+json'] } },
    ]);
    const text = await post('/v1/things/text', 'application/xml', '<a/>');
    expect([text.statusCode, text.json()]).toEqual([
      415,
      { failure: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'content-type must be text/plain or application/openmetrics-text or application/x-thing, got application/xml' } },
    ]);
  });

  it('refuses a body without a content type with 415, and leaves a request without a body to the route', async () => {
    const untyped = await app.inject({ method: 'POST', url: '/v1/things', payload: '{"a":1}', headers: { authorization: `Bearer ${key}` } });
    expect([untyped.statusCode, untyped.json()]).toMatchObject([415, { error: { message: 'content-type must be application/json or application/vnd.thing+json, got none' } }]);
    // Nothing to refuse: the route's own validation says whether it needed a body.
    const bodiless = await app.inject({ method: 'POST', url: '/v1/things', headers: { authorization: `Bearer ${key}` } });
    expect([bodiless.statusCode, bodiless.json()]).toEqual([202, {}]);
  });

  it('reaches a route with a trailing slash', async () => {
    expect((await post('/v1/things/', 'application/json', '{"a":2}')).json()).toEqual({ body: { a: 2 } });
    expect((await post('/v1/things/text/', 'text/plain', 'hi')).statusCode).toBe(202);
    expect((await app.inject({ method: 'GET', url: '/v1/things/', headers: { authorization: `Bearer ${key}` } })).json()).toEqual({ things: [] });
  });

  it('takes the Bearer scheme in any case', async () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) expect([scheme, (await post('/v1/things', 'application/json', '{}', `${scheme} ${key}`)).statusCode]).toEqual([scheme, 202]);
  });

  it('challenges every 401 with WWW-Authenticate: Bearer, naming an invalid token as such', async () => {
    const missing = await app.inject({ method: 'GET', url: '/v1/things' });
    expect([missing.statusCode, missing.headers['www-authenticate']]).toEqual([401, 'Bearer realm="airan"']);
    const otherScheme = await app.inject({ method: 'GET', url: '/v1/things', headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } });
    expect([otherScheme.statusCode, otherScheme.headers['www-authenticate']]).toEqual([401, 'Bearer realm="airan"']);
    const invalid = await app.inject({ method: 'GET', url: '/v1/things', headers: { authorization: `Bearer ${generateApiKey().key}` } });
    expect([invalid.statusCode, invalid.headers['www-authenticate']]).toEqual([401, 'Bearer realm="airan", error="invalid_token"']);
    const routeBody = await post('/v1/things/text', 'text/plain', 'x', '');
    expect([routeBody.statusCode, routeBody.headers['www-authenticate'], routeBody.json()]).toEqual([401, 'Bearer realm="airan"', { failure: expect.objectContaining({ code: 'MISSING_CREDENTIALS' }) }]);
  });
});
