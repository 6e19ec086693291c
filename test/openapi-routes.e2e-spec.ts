import { type Operation, invalidValue, readOperations, validValue } from './support/api-fuzz.openapi';
import type { ServiceProcess } from './support/service-process';
import { createApiKey, isolate } from './support/stack';
import { startServices } from './support/start-services';

interface Route {
  readonly method: string;
  readonly path: string;
}

/** Registered on purpose without a place in the OpenAPI document. */
const EXEMPT: Readonly<Record<string, string>> = {
  'GET /health/live': 'probe',
  'GET /health/ready': 'probe',
  'GET /metrics': 'Prometheus scrape',
  'GET /openapi.json': 'the documents themselves',
  'GET /asyncapi.json': 'the documents themselves',
  'GET /docs': 'the documents themselves',
  'GET /': 'the ops console page, for people',
  'GET /assets/:name': "the ops console's built assets",
};
/** `/v1/alerts/:fingerprint` (router) against `/v1/alerts/{fingerprint}` or a variant's `/v1/registry/cell/{id}` (document). */
function sameRoute(route: Route, operation: Operation): boolean {
  const [ours, theirs] = [route.path.split('/'), operation.path.split('/')];
  return (
    route.method === operation.method &&
    ours.length === theirs.length &&
    ours.every((segment, i) => (segment.startsWith(':') ? theirs[i] === `{${segment.slice(1)}}` || !theirs[i].startsWith('{') : segment === theirs[i]))
  );
}

/**
 * The api's routes against its OpenAPI document, on the built api: every route the running app
 * registered (as Nest's router reports them at start-up) is documented or listed above, every
 * documented operation exists, and a request that breaks a documented path or query schema is the
 * 400 that names the parameter, so the document and the validation agree.
 */
describe('api: every route in the OpenAPI document, validated as documented', () => {
  const isolation = isolate();
  let api: ServiceProcess;
  let admin: string;
  let routes: Route[];
  let operations: Operation[];

  beforeAll(async () => {
    ({ api } = await startServices({ api: { ...isolation.env, LOG_LEVEL: 'info' } }));
    admin = (await createApiKey(isolation, 'admin', 'root')).key;
    routes = [...api.logs.matchAll(/Mapped \{([^,]+), ([A-Z]+)\} route/g)].map(([, path, method]) => ({ method, path }));
    operations = await readOperations(api.url);
  });

  afterAll(async () => {
    await api?.stop();
  });

  const key = (route: Route) => `${route.method} ${route.path}`;
  const call = (method: string, path: string) => fetch(`${api.url}${path}`, { method, headers: { authorization: `Bearer ${admin}` } });

  it('documents every registered route but the listed ones, and documents no route that is not registered', () => {
    expect(routes.length).toBeGreaterThan(30);
    const undocumented = routes.filter((route) => !(key(route) in EXEMPT) && !operations.some((op) => sameRoute(route, op)));
    expect(undocumented.map(key)).toEqual([]);
    expect(operations.filter((op) => !routes.some((route) => sameRoute(route, op))).map((op) => `${op.method} ${op.path}`)).toEqual([]);
  });

  it('exempts only routes that exist', () => {
    const registered = new Set(routes.map(key));
    expect(Object.keys(EXEMPT).filter((route) => !registered.has(route))).toEqual([]);
  });

  it('refuses, with a 400 naming it, every path parameter that breaks its documented schema', async () => {
    const checked: string[] = [];
    for (const op of operations) {
      const params = op.parameters.filter((p) => p.in === 'path');
      for (const param of params) {
        const bad = invalidValue(param);
        if (bad === undefined) continue;
        const path = params.reduce((p, other) => p.replace(`{${other.name}}`, encodeURIComponent(other === param ? bad : validValue(other)!)), op.path);
        const response = await call(op.method, path);
        expect({ route: `${op.method} ${path}`, status: response.status, body: await response.json() }).toMatchObject({ status: 400, body: { error: { code: 'INVALID_PATH_PARAMETER', details: [{ path: `path.${param.name}` }] } } });
        checked.push(`${op.method} ${op.path} ${param.name}`);
      }
    }
    expect(checked.length).toBeGreaterThan(10);
  });

  it('refuses, with a 400 naming it, every query parameter that breaks its documented schema, and any undocumented one', async () => {
    let checked = 0;
    for (const op of operations) {
      const path = op.parameters.filter((p) => p.in === 'path').reduce((p, param) => p.replace(`{${param.name}}`, validValue(param)!), op.path);
      // Required parameters get valid values, so that each violation is the only finding.
      const required = Object.fromEntries(op.parameters.filter((p) => p.in === 'query' && p.required).map((p) => [p.name, validValue(p)!]));
      const violations = [
        ...op.parameters.filter((p) => p.in === 'query').flatMap((p) => (invalidValue(p) === undefined ? [] : [[p.name, invalidValue(p)!, 'INVALID_VALUE'] as const])),
        ['undocumented', '1', 'UNKNOWN_FIELD'] as const,
      ];
      for (const [name, value, code] of violations) {
        const response = await call(op.method, `${path}?${new URLSearchParams({ ...required, [name]: value })}`);
        expect({ route: `${op.method} ${path}?${name}=${value}`, status: response.status, body: await response.json() }).toMatchObject({
          status: 400,
          body: { error: { code: 'INVALID_QUERY', details: [{ path: `query.${name}`, code }] } },
        });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(operations.length);
  });

  it('serves the documents and the docs page without a key', async () => {
    for (const path of ['/openapi.json', '/asyncapi.json']) {
      const response = await fetch(`${api.url}${path}`);
      expect([path, response.status, response.headers.get('content-type')]).toEqual([path, 200, 'application/json; charset=utf-8']);
    }
    const page = await fetch(`${api.url}/docs`);
    expect([page.status, page.headers.get('content-type'), page.headers.get('content-security-policy')]).toEqual([200, 'text/html; charset=utf-8', "default-src 'none'; style-src 'unsafe-inline'"]);
    const html = await page.text();
    for (const op of operations) expect(html).toContain(`<code>${op.path}</code>`);
    expect(html).toContain('<code>airan.share.{partnerId}.{product}.v1</code>');
  });
});
