import { z } from 'zod';
import type { RouteSpec } from '../openapi/route.declaration';
import { ParamsError } from './params.errors';
import { validateRouteInput } from './route-input.pipe';

const spec = {
  method: 'PUT',
  path: '/v1/things/{kind}/{id}',
  summary: 'a thing',
  access: ['admin'],
  params: z.object({ kind: z.string(), id: z.string().regex(/^[a-z]+$/) }).strict(),
  query: z.object({ limit: z.coerce.number().int().min(1).max(10).default(5), dry: z.enum(['true', 'false']).optional() }).strict(),
  variants: {
    param: 'kind',
    values: {
      box: { summary: 'a box', body: z.object({ size: z.number().int().positive() }).strict() },
      bag: { summary: 'a bag' },
    },
    unknown: (kind) => new Error(`no kind ${kind}`),
  },
  responses: { 200: { description: 'stored' } },
  errors: [],
} as const satisfies RouteSpec;

/** The ParamsError a call throws, as the client sees it: code and each detail's path and code. */
function refusal(call: () => unknown): { code: string; details: Array<{ path: string; code: string }> } {
  try {
    call();
  } catch (error) {
    if (!(error instanceof ParamsError)) throw error;
    return { code: error.code, details: (error.details as Array<{ path: string; code: string }>).map(({ path, code }) => ({ path, code })) };
  }
  throw new Error('accepted');
}

describe('validateRouteInput', () => {
  it('answers the parsed input: defaults applied, numbers converted', () => {
    expect(validateRouteInput(spec, { params: { kind: 'box', id: 'abc' }, query: { limit: '7' }, body: { size: 3 } })).toEqual({ params: { kind: 'box', id: 'abc' }, query: { limit: 7 }, body: { size: 3 } });
    expect(validateRouteInput(spec, { params: { kind: 'bag', id: 'abc' }, query: {}, body: 'anything' }).query).toEqual({ limit: 5 });
  });

  it.each([
    ['a malformed path parameter', { params: { kind: 'box', id: 'ABC' } }, 'INVALID_PATH_PARAMETER', [{ path: 'path.id', code: 'INVALID_VALUE' }]],
    ['a query value out of range', { query: { limit: '11' } }, 'INVALID_QUERY', [{ path: 'query.limit', code: 'INVALID_VALUE' }]],
    ['a value outside the enum', { query: { dry: 'yes' } }, 'INVALID_QUERY', [{ path: 'query.dry', code: 'INVALID_VALUE' }]],
    ['an unknown query parameter', { query: { colour: 'red' } }, 'INVALID_QUERY', [{ path: 'query.colour', code: 'UNKNOWN_FIELD' }]],
    ['a body field of the wrong type', { body: { size: 'big' } }, 'INVALID_BODY', [{ path: 'body.size', code: 'INVALID_VALUE' }]],
    ['an unknown body field', { body: { size: 1, colour: 'red' } }, 'INVALID_BODY', [{ path: 'body.colour', code: 'UNKNOWN_FIELD' }]],
    ['a missing body', { body: undefined }, 'INVALID_BODY', [{ path: 'body', code: 'MISSING_FIELD' }]],
  ])('refuses %s with a 400 naming the field', (_, change, code, details) => {
    const request = { params: { kind: 'box', id: 'abc' }, query: {}, body: { size: 1 }, ...change };
    expect(refusal(() => validateRouteInput(spec, request))).toEqual({ code, details });
  });

  it('checks the path first: a bad path is reported alone', () => {
    expect(refusal(() => validateRouteInput(spec, { params: { kind: 'box', id: '1' }, query: { limit: '0' }, body: {} })).code).toBe('INVALID_PATH_PARAMETER');
  });

  it("answers a value no variant has with the route's own error", () => {
    expect(() => validateRouteInput(spec, { params: { kind: 'crate', id: 'abc' }, query: {} })).toThrow('no kind crate');
    expect(() => validateRouteInput(spec, { params: { kind: 'constructor', id: 'abc' }, query: {} })).toThrow('no kind constructor');
  });

  it('refuses any query on a route that declares none', () => {
    const bare: RouteSpec = { method: 'GET', path: '/v1/bare', summary: 'bare', access: 'public', responses: { 200: { description: 'ok' } }, errors: [] };
    expect(validateRouteInput(bare, { params: {}, query: {} })).toEqual({ params: {}, query: {}, body: undefined });
    expect(refusal(() => validateRouteInput(bare, { params: {}, query: { page: '2' } }))).toEqual({ code: 'INVALID_QUERY', details: [{ path: 'query.page', code: 'UNKNOWN_FIELD' }] });
  });
});
