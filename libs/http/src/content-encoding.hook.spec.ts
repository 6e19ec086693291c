import { deflateSync, gzipSync } from 'node:zlib';
import { Body, Controller, Module, Post } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { createLogger } from '@airan/observability';
import { parseCodings } from './content-encoding.hook';
import { AcceptsMediaTypes } from './media-type.route';
import { RequestError } from './request.errors';
import { createHttpAdapter, httpErrorProviders } from './service.bootstrap';

const LIMIT = 64 * 1024;

@Controller('echo')
class EchoController {
  @Post('json')
  json(@Body() body: unknown) {
    return { body };
  }

  @Post('text')
  @AcceptsMediaTypes({ 'text/plain': 'text' })
  text(@Body() body: string) {
    return { length: body.length, head: body.slice(0, 20) };
  }
}

describe('content encoding', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    @Module({ controllers: [EchoController], providers: httpErrorProviders({}, createLogger('spec', 'silent')) })
    class SpecModule {}
    const moduleRef = await Test.createTestingModule({ imports: [SpecModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter({ bodyLimitBytes: LIMIT }, createLogger('spec', 'silent')), { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  const post = (url: string, payload: Buffer | string, headers: Record<string, string>) => app.inject({ method: 'POST', url, payload, headers });

  it('decodes gzip, x-gzip, deflate, identity and stacked codings before the body is parsed', async () => {
    const json = JSON.stringify({ records: [1, 2, 3] });
    for (const [encoding, payload] of [
      ['gzip', gzipSync(json)],
      ['X-GZIP', gzipSync(json)],
      ['deflate', deflateSync(json)],
      ['identity', Buffer.from(json)],
      ['deflate, gzip', gzipSync(deflateSync(json))],
      ['identity, gzip', gzipSync(json)],
    ] as const) {
      const response = await post('/echo/json', payload, { 'content-type': 'application/json', 'content-encoding': encoding });
      expect([encoding, response.statusCode, response.json()]).toEqual([encoding, 201, { body: { records: [1, 2, 3] } }]);
    }
  });

  it('decodes a text body that inflates to exactly the limit', async () => {
    const response = await post('/echo/text', gzipSync('a'.repeat(LIMIT)), { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ length: LIMIT, head: 'a'.repeat(20) });
  });

  it('refuses with 413 a small body that inflates past the limit', async () => {
    const bomb = gzipSync(Buffer.alloc(100 * LIMIT));
    expect(bomb.length).toBeLessThan(LIMIT / 4);
    const response = await post('/echo/text', bomb, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: `the request body is larger than ${LIMIT} bytes once decoded` } });
  });

  it('refuses an unsupported coding with 415 naming the supported ones, in the body and in Accept-Encoding', async () => {
    const response = await post('/echo/json', '{}', { 'content-type': 'application/json', 'content-encoding': 'br' });
    expect(response.statusCode).toBe(415);
    expect(response.headers['accept-encoding']).toBe('gzip, deflate, identity');
    expect(response.json()).toEqual({
      error: { code: 'UNSUPPORTED_CONTENT_ENCODING', message: 'content-encoding "br" is not supported; supported: gzip, deflate, identity', accepted: ['gzip', 'deflate', 'identity'] },
    });
  });

  it('refuses a body that is not what its coding says with 400', async () => {
    const response = await post('/echo/json', '{"plain":true}', { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'INVALID_CONTENT_ENCODING', message: expect.stringMatching(/^the body is not valid gzip content: /) } });
  });

  it('refuses a gzip body cut off before its end with 400', async () => {
    const cut = gzipSync('{"records":[]}').subarray(0, 12);
    const response = await post('/echo/json', cut, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'INVALID_CONTENT_ENCODING' } });
  });
});

describe('parseCodings', () => {
  it('lists the codings in the order applied, without identity, case-insensitively', () => {
    expect(parseCodings('GZip')).toEqual(['gzip']);
    expect(parseCodings(' deflate , gzip ')).toEqual(['deflate', 'gzip']);
    expect(parseCodings('identity')).toEqual([]);
  });

  it('refuses unknown and empty codings, and more than two stacked', () => {
    for (const header of ['br', 'zstd', 'constructor', '__proto__', 'gzip, compress', '', 'gzip,,gzip', 'gzip, gzip, gzip']) expect(parseCodings(header)).toBeInstanceOf(RequestError);
  });
});
