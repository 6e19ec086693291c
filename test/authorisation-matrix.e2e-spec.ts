import { SHARE_PRODUCT_NAMES } from '@airan/contracts';
import type { ServiceProcess } from './support/service-process';
import { createApiKey, eventually, isolate, postWithNewKey } from './support/stack';
import { startServices } from './support/start-services';
import { writeSnapshot } from './support/write-snapshot';

type Role = 'operator' | 'partner' | 'ops' | 'admin';
type App = 'ingest' | 'load' | 'alerting' | 'api' | 'share';

/**
 * Who may call each route, written down here on purpose rather than read from the apps' own
 * declarations: the test compares what the apps do with what was meant. `public` routes need no key;
 * `internal` routes (alerting's) take only the api's ALERTING_OPS_TOKEN; the others take an api key of
 * one of the roles listed. A route the apps register that is missing here fails the test.
 */
const ACCESS: Readonly<Record<string, 'public' | 'internal' | readonly Role[]>> = {
  ...probes('ingest', 'load', 'alerting', 'api', 'share'),
  'ingest POST /v1/telemetry': ['operator'],
  'ingest POST /eventListener/v7': ['operator'],
  'ingest POST /eventListener/v7/eventBatch': ['operator'],
  'ingest POST /v1/metrics': ['operator'],
  'ingest POST /v1/prometheus': ['operator'],
  'ingest GET /v1/sites/:siteId/unknown-identifiers': ['operator'],
  'alerting GET /internal/v1/rules': 'internal',
  'alerting GET /internal/v1/rules/export': 'internal',
  'alerting POST /internal/v1/rules/import': 'internal',
  'alerting GET /internal/v1/rules/:id': 'internal',
  'alerting PUT /internal/v1/rules/:id': 'internal',
  'alerting DELETE /internal/v1/rules/:id': 'internal',
  'alerting GET /internal/v1/silences': 'internal',
  'alerting POST /internal/v1/silences': 'internal',
  'alerting DELETE /internal/v1/silences/:id': 'internal',
  'alerting POST /internal/v1/alerts/:fingerprint/ack': 'internal',
  'alerting POST /internal/v1/alerts/:fingerprint/unack': 'internal',
  'alerting POST /internal/v1/alerts/:fingerprint/assign': 'internal',
  'alerting GET /internal/v1/alerts/:fingerprint/notifications': 'internal',
  'api GET /': 'public',
  'api GET /assets/:name': 'public',
  'api GET /openapi.json': 'public',
  'api GET /asyncapi.json': 'public',
  'api GET /docs': 'public',
  'api POST /v1/admin/keys': ['admin'],
  'api DELETE /v1/admin/keys/:id': ['admin'],
  'api GET /v1/registry/:type': ['ops', 'admin'],
  'api GET /v1/registry/:type/:id': ['ops', 'admin'],
  'api PUT /v1/registry/:type/:id': ['admin'],
  'api DELETE /v1/registry/:type/:id': ['admin'],
  'api GET /v1/grants': ['admin', 'ops', 'partner'],
  'api POST /v1/partners/:partnerId/kafka-credentials': ['admin'],
  'api GET /v1/partners/:partnerId/kafka-credentials': ['admin', 'partner'],
  'api DELETE /v1/partners/:partnerId/kafka-credentials/:id': ['admin'],
  'api GET /v1/history/:dataset': ['admin', 'ops', 'operator', 'partner'],
  'api GET /v1/exports/:file': ['admin', 'ops', 'operator', 'partner'],
  'api GET /v1/streams/:product': ['admin', 'ops', 'operator', 'partner'],
  'api GET /v1/alerts/stream': ['admin', 'ops', 'operator', 'partner'],
  'api GET /v1/ingest/health': ['admin', 'ops', 'operator'],
  'api GET /v1/alerts': ['ops', 'admin'],
  'api GET /v1/alerts/:fingerprint/history': ['ops', 'admin'],
  'api POST /v1/alerts/:fingerprint/ack': ['ops', 'admin'],
  'api POST /v1/alerts/:fingerprint/unack': ['ops', 'admin'],
  'api POST /v1/alerts/:fingerprint/assign': ['ops', 'admin'],
  'api GET /v1/alerts/:fingerprint/notifications': ['ops', 'admin'],
  'api GET /v1/rules': ['ops', 'admin'],
  'api GET /v1/rules.yaml': ['ops', 'admin'],
  'api POST /v1/rules/import': ['ops', 'admin'],
  'api GET /v1/rules/:id': ['ops', 'admin'],
  'api PUT /v1/rules/:id': ['ops', 'admin'],
  'api DELETE /v1/rules/:id': ['ops', 'admin'],
  'api GET /v1/silences': ['ops', 'admin'],
  'api POST /v1/silences': ['ops', 'admin'],
  'api DELETE /v1/silences/:id': ['ops', 'admin'],
};

function probes(...apps: App[]): Record<string, 'public'> {
  return Object.fromEntries(apps.flatMap((app) => ['/health/live', '/health/ready', '/metrics'].map((path) => [`${app} GET ${path}`, 'public' as const])));
}

/** A value for each path parameter: well formed where that is easy, since only a caller who gets past the guard sees validation. */
const PATH_VALUES: Readonly<Record<string, string>> = {
  siteId: 'skt-seoul-gangnam-01',
  type: 'site',
  id: 'x0',
  fingerprint: '0123456789abcdef',
  partnerId: 'etri',
  dataset: 'cell-load',
  file: 'cell-load.csv',
  product: 'cell-load',
  name: 'missing.js',
};

interface Route {
  readonly app: App;
  readonly method: string;
  readonly path: string;
}
const routeName = (route: Route) => `${route.app} ${route.method} ${route.path}`;

/**
 * The roles whose keys each app knows. Ingest learns only operators' keys (over the registry topic): any
 * other key is unknown there, a 401 like a revoked one. Alerting knows only the api's internal token.
 */
const KEYS_KNOWN: Readonly<Record<App, readonly Role[]>> = { ingest: ['operator'], api: ['operator', 'partner', 'ops', 'admin'], alerting: [], load: [], share: [] };

type Principal = 'anonymous' | 'malformed key' | 'revoked key' | "alerting's internal token" | Role;
const CALLERS: readonly Principal[] = ['anonymous', 'malformed key', 'revoked key', "alerting's internal token", 'operator', 'partner', 'ops', 'admin'];

/** The status class a caller should get: refused with 401 or 403, or let through to the route (whatever it then answers, never a 5xx). */
function expected(route: Route, caller: Principal): 401 | 403 | 'through' {
  const access = ACCESS[routeName(route)]!;
  if (access === 'public') return 'through';
  if (access === 'internal') return caller === "alerting's internal token" ? 'through' : 401;
  if (!KEYS_KNOWN[route.app].includes(caller as Role)) return 401;
  return access.includes(caller as Role) ? 'through' : 403;
}

/**
 * Every route of every app, as each app's router reports it at start-up, called by every kind of
 * caller: the answer is the one the table above means, and a refused call writes nothing (no row
 * added or changed in any schema, no record on any topic). Then the cases a role alone does not
 * decide: an operator on another operator's sites, a partner on another partner's credentials.
 */
describe('authorisation matrix: every route, every caller', () => {
  const isolation = isolate();
  let services: Record<App, ServiceProcess>;
  let routes: Route[];
  const bearer = new Map<Principal, string>();

  beforeAll(async () => {
    const env = { ...isolation.env, LOG_LEVEL: 'info', RATE_LIMIT_MAX: '1000000' };
    const { alerting } = await startServices({ alerting: env });
    const rest = await startServices({ api: { ...env, API_ALERTING_URL: alerting.url }, ingest: env, load: env, share: env });
    services = { alerting, ...rest };
    routes = (Object.keys(services) as App[]).flatMap((app) =>
      [...services[app].logs.matchAll(/Mapped \{([^,]+), ([A-Z]+)\} route/g)].map(([, path, method]) => ({ app, method: method!, path: path! })),
    );
    const [operator, partner, ops, admin, revoked] = await Promise.all([
      createApiKey(isolation, 'operator', 'skt'),
      createApiKey(isolation, 'partner', 'etri'),
      createApiKey(isolation, 'ops', 'noc'),
      createApiKey(isolation, 'admin', 'root'),
      createApiKey(isolation, 'operator', 'skt'),
    ]);
    for (const [principal, key] of [['operator', operator.key], ['partner', partner.key], ['ops', ops.key], ['admin', admin.key], ['revoked key', revoked.key]] as const) bearer.set(principal, `Bearer ${key}`);
    bearer.set('malformed key', 'Bearer airan_not-a-key');
    bearer.set("alerting's internal token", `Bearer ${isolation.env.ALERTING_OPS_TOKEN}`);
    // A partner needs a grant in force to reach history and streams at all (without one: 403 NO_GRANTS, a scope refusal, not the role's).
    const grant = { partnerId: 'etri', products: [...SHARE_PRODUCT_NAMES], operatorIds: ['skt'], redact: [], validFrom: '2026-01-01T00:00:00Z' };
    const granted = await fetch(`${services.api.url}/v1/registry/grant/etri-skt`, { method: 'PUT', headers: { authorization: bearer.get('admin')!, 'content-type': 'application/json' }, body: JSON.stringify(grant) });
    expect(granted.status).toBe(200);
    // share makes the partner's topics and backfills the grant on its own time: both must be over before
    // the refusals' snapshot, which would otherwise see share's topics appear and count them as written.
    await eventually(async () => {
      const backfilled = services.share.logs
        .split('\n')
        .filter((line) => line.includes('grant backfilled from history'))
        .map((line) => JSON.parse(line) as { grantId: string; product: string })
        .filter((entry) => entry.grantId === 'etri-skt')
        .map((entry) => entry.product);
      expect(backfilled.sort()).toEqual([...grant.products].sort());
    }, 60_000);
    // Keys reach ingest over the registry topic: wait until ingest knows the operator's key, then revoke the other one everywhere.
    const own = `${services.ingest.url}/v1/sites/skt-seoul-gangnam-01/unknown-identifiers`;
    await eventually(async () => expect((await fetch(own, { headers: { authorization: bearer.get('operator')! } })).status).toBe(200));
    await eventually(async () => expect((await fetch(own, { headers: { authorization: bearer.get('revoked key')! } })).status).toBe(200));
    expect((await fetch(`${services.api.url}/v1/admin/keys/${revoked.id}`, { method: 'DELETE', headers: { authorization: bearer.get('admin')! } })).status).toBe(204);
    await eventually(async () => expect((await fetch(own, { headers: { authorization: bearer.get('revoked key')! } })).status).toBe(401));
  }, 180_000);

  afterAll(async () => {
    await Promise.all(Object.values(services ?? {}).map((s) => s.stop()));
  });

  /**
   * One request as a caller. A stream is cut off once its headers arrive; `read` says which answers' bodies
   * are read (a route's 200 may be a long export).
   */
  async function send(app: App, method: string, path: string, caller: Principal, options: { body?: string; read?: (status: number) => boolean } = {}): Promise<{ status: number; text: string }> {
    const abort = new AbortController();
    const authorization = bearer.get(caller);
    const response = await fetch(`${services[app].url}${path}`, {
      method,
      headers: { ...(authorization ? { authorization } : {}), ...(options.body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: options.body,
      signal: abort.signal,
    });
    const streaming = (response.headers.get('content-type') ?? '').startsWith('text/event-stream');
    const text = !streaming && (options.read?.(response.status) ?? true) ? await response.text() : '';
    abort.abort();
    return { status: response.status, text };
  }

  /** Calls a route as a caller, reading only a refusal's body. */
  function call(route: Route, caller: Principal): Promise<{ status: number; text: string }> {
    const path = route.path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(PATH_VALUES[name] ?? 'x'));
    const hasBody = !['GET', 'DELETE'].includes(route.method);
    return send(route.app, route.method, path, caller, { body: hasBody ? '{}' : undefined, read: (status) => status >= 400 });
  }

  it('knows every route the apps registered, and every route it knows is registered', () => {
    const registered = routes.map(routeName).sort();
    expect(registered.filter((name) => !(name in ACCESS))).toEqual([]);
    expect(Object.keys(ACCESS).filter((name) => !registered.includes(name))).toEqual([]);
  });

  it('refuses every caller the table refuses (401 without a valid key, 403 for another role) and writes nothing doing so', async () => {
    const before = await writeSnapshot(isolation);
    const wrong: string[] = [];
    for (const route of routes) {
      for (const caller of CALLERS) {
        const want = expected(route, caller);
        if (want === 'through') continue;
        const { status } = await call(route, caller);
        if (status !== want) wrong.push(`${routeName(route)} as ${caller}: ${status}, expected ${want}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(await writeSnapshot(isolation)).toEqual(before);
  });

  it('lets every caller the table allows through to the route (no 401, no 403, no 5xx)', async () => {
    const wrong: string[] = [];
    for (const route of routes) {
      for (const caller of CALLERS) {
        if (expected(route, caller) !== 'through') continue;
        const { status, text } = await call(route, caller);
        if (status === 401 || status === 403 || status >= 500) wrong.push(`${routeName(route)} as ${caller}: ${status} ${text.slice(0, 200)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  /**
   * What a role alone does not decide, over data that exists: kt has a stored sample. Naming another
   * operator is refused; another operator's site or cell, as docs/api.md says, simply yields nothing.
   */
  describe('beyond the role: scope', () => {
    const FOREIGN_SITE = 'kt-daejeon-etri-01';
    const FROM = new Date(Date.now() - 3_600_000).toISOString();
    const RANGE = `from=${FROM}&to=${new Date(Date.now() + 3_600_000).toISOString()}`;
    const samples = `/v1/history/cell-samples?site=${FOREIGN_SITE}&from=${FROM}`;
    const get = (app: App, path: string, caller: Principal | 'kt') => send(app, 'GET', path, caller as Principal);

    beforeAll(async () => {
      const kt = await createApiKey(isolation, 'operator', 'kt');
      bearer.set('kt' as Role, `Bearer ${kt.key}`);
      const record = { type: 'cell', siteId: FOREIGN_SITE, cellId: `${FOREIGN_SITE}-c1`, ts: new Date(Date.now() - 60_000).toISOString(), intervalMs: 15_000, gpuMs: 10 };
      expect((await postWithNewKey(`${services.ingest.url}/v1/telemetry`, kt.key, { records: [record] })).status).toBe(202);
      await eventually(async () => expect(JSON.parse((await get('api', samples, 'admin')).text).items).toHaveLength(1), 60_000);
    }, 90_000);

    it.each([
      ['api', '/v1/history/cell-samples?operator=kt'],
      ['api', `/v1/exports/cell-samples.csv?operator=kt&${RANGE}`],
      ['api', '/v1/streams/telemetry?operator=kt'],
      ['ingest', `/v1/sites/${FOREIGN_SITE}/unknown-identifiers`],
    ] as const)("refuses operator skt naming kt's data: %s %s, writing nothing", async (app, path) => {
      const before = await writeSnapshot(isolation);
      expect((await get(app, path, 'operator')).status).toBe(403);
      expect(await writeSnapshot(isolation)).toEqual(before);
    });

    it("gives operator skt and partner etri (granted skt) nothing of kt's site, which admin sees", async () => {
      for (const caller of ['operator', 'partner'] as const) {
        expect(await get('api', samples, caller)).toMatchObject({ status: 200 });
        expect(JSON.parse((await get('api', samples, caller)).text).items).toEqual([]);
        const csv = await get('api', `/v1/exports/cell-samples.csv?site=${FOREIGN_SITE}&${RANGE}`, caller);
        expect(csv.status).toBe(200);
        expect(csv.text.trim().split('\n')).toHaveLength(1);
      }
    });

    it("refuses operator skt writing kt's site, writing nothing", async () => {
      const before = await writeSnapshot(isolation);
      const record = { type: 'cell', siteId: FOREIGN_SITE, cellId: `${FOREIGN_SITE}-c1`, ts: new Date().toISOString(), intervalMs: 15_000, gpuMs: 10 };
      const response = await fetch(`${services.ingest.url}/v1/telemetry`, { method: 'POST', headers: { authorization: bearer.get('operator')!, 'content-type': 'application/json' }, body: JSON.stringify({ records: [record] }) });
      expect(response.status).toBe(403);
      expect(await writeSnapshot(isolation)).toEqual(before);
    });

    it("refuses partner etri another partner's credentials, and shows it its own grants only", async () => {
      expect((await get('api', '/v1/partners/yonsei/kafka-credentials', 'partner')).status).toBe(403);
      const yonsei = { partnerId: 'yonsei', products: ['telemetry'], operatorIds: ['kt'], validFrom: '2026-01-01T00:00:00Z' };
      const put = await fetch(`${services.api.url}/v1/registry/grant/yonsei-kt`, { method: 'PUT', headers: { authorization: bearer.get('admin')!, 'content-type': 'application/json' }, body: JSON.stringify(yonsei) });
      expect(put.status).toBe(200);
      const partnersOf = async (caller: Role) => (JSON.parse((await get('api', '/v1/grants', caller)).text) as { grants: Array<{ grant: { partnerId: string } }> }).grants.map((g) => g.grant.partnerId).sort();
      expect(await partnersOf('admin')).toEqual(['etri', 'yonsei']);
      expect(await partnersOf('partner')).toEqual(['etri']);
    });
  });
});
