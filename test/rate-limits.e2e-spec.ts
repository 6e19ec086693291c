import { FLEET } from '@airan/demo-fleet';
import type { ServiceProcess } from './support/service-process';
import { createApiKey, eventually, isolate, postWithNewKey } from './support/stack';
import { startServices } from './support/start-services';

/**
 * Every app limits requests per API key, or per client address for requests without a valid key, on
 * every route but the probes. Short windows (RATE_LIMIT_WINDOW_MS) let the test see a budget come back;
 * each budget is spent by concurrent requests, so they all fall in one window.
 */
const WINDOW_MS = 4000;
const API_MAX = 4;
const INGEST_MAX = 8;
const ALERTING_MAX = 3;

const isolation = isolate();
let services: Record<'api' | 'ingest' | 'alerting', ServiceProcess>;
let keys: { opsA: string; opsB: string; opsC: { id: string; key: string }; skt: string; kt: string };

const SKT_SITE = FLEET.find((o) => o.id === 'skt')!.sites[0].id;
const KT_SITE = FLEET.find((o) => o.id === 'kt')!.sites[0].id;

beforeAll(async () => {
  const limits = (max: number) => ({ RATE_LIMIT_MAX: String(max), RATE_LIMIT_WINDOW_MS: String(WINDOW_MS) });
  services = await startServices({
    api: { ...isolation.env, ...limits(API_MAX) },
    ingest: { ...isolation.env, ...limits(INGEST_MAX) },
    alerting: { ...isolation.env, ...limits(ALERTING_MAX) },
  });
  const [opsA, opsB, opsC, skt, kt, probe] = await Promise.all([
    createApiKey(isolation, 'ops', 'noc-a'),
    createApiKey(isolation, 'ops', 'noc-b'),
    createApiKey(isolation, 'ops', 'noc-c'),
    createApiKey(isolation, 'operator', 'skt'),
    createApiKey(isolation, 'operator', 'kt'),
    createApiKey(isolation, 'operator', 'lguplus'),
  ]);
  keys = { opsA: opsA.key, opsB: opsB.key, opsC, skt: skt.key, kt: kt.key };
  // Keys reach ingest in the order they were made, over a one-partition topic: once the last one is
  // known, so are skt's and kt's, whose budgets this has not touched.
  await postWithNewKey(`${services.ingest.url}/v1/telemetry`, probe.key, { records: [] });
}, 120_000);

afterAll(async () => {
  await Promise.all(Object.values(services ?? {}).map((s) => s.stop()));
});

const get = (url: string, key?: string) => fetch(url, { headers: key ? { authorization: `Bearer ${key}` } : {} });
const heartbeat = (key: string, siteId: string) =>
  fetch(`${services.ingest.url}/v1/telemetry`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ records: [{ type: 'heartbeat', siteId, ts: new Date().toISOString() }] }),
  });

/** `count` requests at once, so that they fall in one window. */
const burst = (count: number, send: (i: number) => Promise<Response>) => Promise.all(Array.from({ length: count }, (_, i) => send(i)));
const statuses = (responses: readonly Response[]) => responses.map((r) => r.status).sort();

/** A 429 as every route answers it: Retry-After within the window, the RateLimit headers and the error body. */
async function expectRateLimited(responses: readonly Response[], max: number): Promise<void> {
  const refused = responses.filter((r) => r.status === 429);
  expect(refused.length).toBeGreaterThan(0);
  for (const response of refused) {
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_MS / 1000);
    expect(response.headers.get('ratelimit-limit')).toBe(String(max));
    expect(response.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(response.headers.get('ratelimit-reset'))).toBe(retryAfter);
    expect(await response.json()).toEqual({
      error: { code: 'RATE_LIMITED', message: expect.stringContaining(`more than ${max} requests in ${WINDOW_MS} ms`), details: { limit: max, windowMs: WINDOW_MS } },
    });
  }
}

describe('api', () => {
  const alerts = () => `${services.api.url}/v1/alerts`;

  it('refuses a key over its budget with 429 and Retry-After, while another key still gets 200', async () => {
    const responses = await burst(API_MAX + 1, () => get(alerts(), keys.opsA));
    expect(statuses(responses)).toEqual([...Array(API_MAX).fill(200), 429]);
    await expectRateLimited(responses, API_MAX);

    const other = await get(alerts(), keys.opsB);
    expect(other.status).toBe(200);
    expect(other.headers.get('ratelimit-remaining')).toBe(String(API_MAX - 1));
  });

  it('gives the budget back once the window has passed', async () => {
    await eventually(async () => expect((await get(alerts(), keys.opsA)).status).toBe(200), WINDOW_MS * 4, 250);
  });

  it("counts requests without a valid key by address: a flood is refused, a key's public id with a wrong secret spends nothing of that key, probes pass", async () => {
    const wrongSecret = `airan_${keys.opsC.id}_${'A'.repeat(43)}`;
    const responses = await burst(API_MAX + 1, (i) => get(alerts(), i % 2 === 0 ? undefined : wrongSecret));
    expect(statuses(responses)).toEqual([...Array(API_MAX).fill(401), 429]);
    await expectRateLimited(responses, API_MAX);
    // The address is spent, on public routes too (the console page)...
    expect((await get(alerts())).status).toBe(429);
    expect((await get(`${services.api.url}/`)).status).toBe(429);
    // ...but not the keys, not even the one whose id the flood used, and not the probes.
    const owner = await get(alerts(), keys.opsC.key);
    expect(owner.status).toBe(200);
    expect(owner.headers.get('ratelimit-remaining')).toBe(String(API_MAX - 1));
    for (const probe of ['/health/live', '/health/ready', '/metrics']) {
      const response = await get(`${services.api.url}${probe}`);
      expect([probe, response.status, response.headers.get('ratelimit-limit')]).toEqual([probe, 200, null]);
    }
  });
});

describe('ingest', () => {
  it("refuses an operator key over its budget (ingest's own RATE_LIMIT_MAX) with 429, while another operator's key still gets 202", async () => {
    const responses = await burst(INGEST_MAX + 1, () => heartbeat(keys.skt, SKT_SITE));
    expect(statuses(responses)).toEqual([...Array(INGEST_MAX).fill(202), 429]);
    await expectRateLimited(responses, INGEST_MAX);
    // One budget per key across the app's routes.
    const listing = await get(`${services.ingest.url}/v1/sites/${SKT_SITE}/unknown-identifiers`, keys.skt);
    expect(listing.status).toBe(429);

    const other = await heartbeat(keys.kt, KT_SITE);
    expect(other.status).toBe(202);
    expect(other.headers.get('ratelimit-limit')).toBe(String(INGEST_MAX));
    await eventually(async () => expect((await heartbeat(keys.skt, SKT_SITE)).status).toBe(202), WINDOW_MS * 4, 250);
  });

  it('refuses an unauthenticated flood by address', async () => {
    const responses = await burst(INGEST_MAX * 2, () => heartbeat('not-a-key', SKT_SITE));
    // Earlier 401s from this address (waiting for the keys to reach ingest) may share the window.
    expect(statuses(responses).filter((s) => s !== 401 && s !== 429)).toEqual([]);
    await expectRateLimited(responses, INGEST_MAX);
    expect((await heartbeat(keys.kt, KT_SITE)).status).toBe(202);
    expect((await get(`${services.ingest.url}/health/ready`)).status).toBe(200);
  });
});

describe("alerting's internal API", () => {
  it("refuses the ops token over its budget with 429 and Retry-After", async () => {
    const rules = `${services.alerting.url}/internal/v1/rules`;
    const responses = await burst(ALERTING_MAX + 1, () => get(rules, isolation.env.ALERTING_OPS_TOKEN));
    expect(statuses(responses)).toEqual([...Array(ALERTING_MAX).fill(200), 429]);
    await expectRateLimited(responses, ALERTING_MAX);
  });
});
