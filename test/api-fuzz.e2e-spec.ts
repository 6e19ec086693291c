import { randomInt } from 'node:crypto';
import { stringify as toYaml } from 'yaml';
import { createPrng } from '@airan/demo-fleet';
import { type ApiCase, apiFuzz } from './support/api-fuzz.fixture';
import { bodyTarget, brokenBody } from './support/api-fuzz.bodies';
import type { JsonSchema, Operation } from './support/api-fuzz.openapi';
import { brokenPath, brokenQuery } from './support/api-fuzz.requests';
import type { Json } from './support/ingest-fuzz.fixture';

/**
 * Fuzzing at scale, the api's part (ingest's formats are fuzzed by test/ingest-fuzz-*.e2e-spec.ts:
 * 4 JSON formats × 1,000 bodies, OTLP protobuf 1,000 and Prometheus 1,000, 6,000 in all). Here every
 * operation of the api's OpenAPI document gets generated broken paths and queries, and every operation
 * with a body (registry entities and grants, keys, rules as JSON and as YAML, silences, alert actions,
 * the last four forwarded to alerting) gets broken bodies: 1,000 + 2,000 + 13 × 250 = 6,250 requests,
 * 12,250 with ingest's. Each is broken by construction (test/support/api-fuzz.*.ts) and must get a
 * 4xx in its route's error body: an `{error}` whose status and code the document (or docs/api.md, for
 * the request envelope) gives the route, whose field errors name the broken part, with the security
 * headers every answer carries; afterwards neither
 * the api nor alerting has logged an error, and both still run. Each valid template is checked to be
 * accepted first, so the refusals come from the breakage.
 *
 * The generator is seeded with API_FUZZ_SEED, or a fresh seed each run (more inputs over time); a
 * failure shows its seed, and API_FUZZ_SEED=<seed> replays the run.
 */
const SEED = Number(process.env.API_FUZZ_SEED) || randomInt(1, 2 ** 31);
const PATH_CASES = 1000;
const QUERY_CASES = 2000;
const BODIES_PER_ROUTE = 250;

/** No alert has it: an alert action with a valid body is refused only for want of the alert (404). */
const FINGERPRINT = '0123456789abcdef';
const RULE = {
  alertname: 'GpuPowerHigh',
  kind: 'sample',
  source: 'gpu',
  all: [{ metric: 'powerW', op: '>', threshold: 850, recoveryThreshold: 800 }],
  scope: ['site=~"skt-.*"', { name: 'operator', op: '=', value: 'skt' }],
  forMs: 60_000,
  keepFiringForMs: 0,
  flap: { windowMs: 600_000, maxTransitions: 4 },
  groupBy: ['alertname', 'site'],
  severity: 'warning',
  labels: { team: 'ran-ops' },
  annotations: { summary: 'GPU power {{ $value }} W on {{ $labels.node }}' },
  enabled: true,
};

/** A valid body of each operation that takes one (from the registry, grants, ops and docs/api.md examples), where it goes, and its success. */
const TEMPLATES: Readonly<Record<string, { url: string; body: Json; accepted: number }>> = {
  'PUT /v1/registry/operator/{id}': { url: '/v1/registry/operator/fuzz-telecom', body: { name: 'Fuzz Telecom' }, accepted: 200 },
  'PUT /v1/registry/partner/{id}': { url: '/v1/registry/partner/fuzz-institute', body: { name: 'Fuzz Institute' }, accepted: 200 },
  'PUT /v1/registry/pilot/{id}': {
    url: '/v1/registry/pilot/skt-fuzz-2026',
    body: { name: 'SK Telecom fuzz pilot', operatorId: 'skt', region: 'Seoul, Seongnam', partnerIds: ['etri', 'yonsei'], status: 'active', startDate: '2026-03-01', endDate: '2026-12-31' },
    accepted: 200,
  },
  'PUT /v1/registry/site/{id}': {
    url: '/v1/registry/site/skt-daegu-01',
    body: { operatorId: 'skt', pilotId: 'skt-ai-ran-2026', name: 'Daegu Dongseong-ro', latitude: 35.8693, longitude: 128.5953 },
    accepted: 200,
  },
  'PUT /v1/registry/gpu-node/{id}': {
    url: '/v1/registry/gpu-node/skt-seoul-gangnam-01-gpu09',
    body: { siteId: 'skt-seoul-gangnam-01', hostname: 'skt-seoul-gangnam-01-gpu09', model: 'RTX PRO 6000 Blackwell', gpuCount: 2, migLayout: ['3g.48gb', '4g.48gb'], aliases: ['k8s-fuzz-9'] },
    accepted: 200,
  },
  'PUT /v1/registry/cell/{id}': {
    url: '/v1/registry/cell/skt-seoul-gangnam-01-c9',
    body: {
      siteId: 'skt-seoul-gangnam-01',
      nrCellIdentity: '00B4C2A09',
      distinguishedName: 'SubNetwork=SKT,ManagedElement=gnb-gangnam-01,GNBDUFunction=1,NRCellDU=9',
      pci: 301,
      band: 'n78',
      bandwidthMhz: 100,
      gpuNodeId: 'skt-seoul-gangnam-01-gpu01',
      allocatedGpus: 0.25,
    },
    accepted: 200,
  },
  'PUT /v1/registry/grant/{id}': {
    url: '/v1/registry/grant/etri-fuzz',
    body: { partnerId: 'etri', products: ['cell-load', 'rollups'], operatorIds: ['skt'], siteIds: ['skt-seoul-gangnam-01'], redact: ['tokens'], validFrom: '2026-01-01T00:00:00Z', validUntil: '2027-06-01T00:00:00+09:00' },
    accepted: 200,
  },
  'POST /v1/admin/keys': { url: '/v1/admin/keys', body: { role: 'ops', subject: 'fuzz-team', name: 'fuzzing' }, accepted: 201 },
  'PUT /v1/rules/{id}': { url: '/v1/rules/fuzz-gpu-power', body: RULE, accepted: 201 },
  'POST /v1/rules/import': { url: '/v1/rules/import', body: { rules: [{ id: 'fuzz-imported', ...RULE }] }, accepted: 200 },
  'POST /v1/silences': {
    url: '/v1/silences',
    body: { matchers: ['site="skt-seoul-gangnam-01"', { name: 'alertname', op: '=~', value: 'Prb.*' }], endsAt: new Date(Date.now() + 2 * 3_600_000).toISOString(), comment: 'antenna swap at Gangnam', endsOnResolve: false },
    accepted: 201,
  },
  'POST /v1/alerts/{fingerprint}/ack': { url: `/v1/alerts/${FINGERPRINT}/ack`, body: { comment: 'throttling inference on c1' }, accepted: 404 },
  'POST /v1/alerts/{fingerprint}/assign': { url: `/v1/alerts/${FINGERPRINT}/assign`, body: { assignee: 'lee' }, accepted: 404 },
};

const keyOf = (op: Operation) => `${op.method} ${op.path}`;
const isYaml = (op: Operation) => op.requestBody?.content['application/yaml'] !== undefined;

/** A template as sent: YAML for the rules import, JSON otherwise. */
function validBodyOf(op: Operation): { contentType: string; body: string } | undefined {
  const template = TEMPLATES[keyOf(op)];
  if (!template) return undefined;
  return isYaml(op) ? { contentType: 'application/yaml', body: toYaml(template.body) } : { contentType: 'application/json', body: JSON.stringify(template.body) };
}

describe('api: generated invalid requests on every route, each refused in its route’s error body', () => {
  const fx = apiFuzz();

  beforeAll(() => fx.start());
  afterAll(() => fx.stop());

  /** Sends the cases; every one must be refused as expected, with the seed shown on failure; both services stay up and quiet. */
  async function refusedAll(cases: readonly ApiCase[]): Promise<number[]> {
    const marks = fx.logMarks();
    const { failures, statuses } = await fx.fuzz(cases);
    expect({ seed: SEED, failures: failures.length, first: failures.slice(0, 5) }).toEqual({ seed: SEED, failures: 0, first: [] });
    await fx.expectStillUp(marks);
    return statuses;
  }

  it(`refuses ${PATH_CASES} broken path parameters across every operation that has one`, async () => {
    const operations = fx.operations.filter((op) => op.parameters.some((p) => p.in === 'path'));
    const random = createPrng(SEED);
    const statuses = await refusedAll(Array.from({ length: PATH_CASES }, (_, i) => brokenPath(operations[i % operations.length], random, validBodyOf)));
    expect(statuses).toEqual([400, 414]);
  });

  it(`refuses ${QUERY_CASES} broken queries across every operation: bad values, unknown, repeated and missing parameters`, async () => {
    // A route without query parameters can only be given unknown ones: routes with some get three turns to its one.
    const turns = fx.operations.flatMap((op) => (op.parameters.some((p) => p.in === 'query') ? [op, op, op] : [op]));
    const random = createPrng(SEED + 1);
    const statuses = await refusedAll(Array.from({ length: QUERY_CASES }, (_, i) => brokenQuery(turns[i % turns.length], random, validBodyOf)));
    expect(statuses).toEqual([400]);
  });

  it.each(Object.keys(TEMPLATES).map((key, n) => [key, n] as const))(`refuses ${BODIES_PER_ROUTE} broken bodies of %s`, async (key, n) => {
    const operation = fx.operations.find((op) => keyOf(op) === key)!;
    const { url, body, accepted } = TEMPLATES[key];
    const valid = validBodyOf(operation)!;
    expect([key, (await fx.send(operation.method, url, valid.contentType, valid.body)).status]).toEqual([key, accepted]);

    // The YAML document's schema: `rules:`, each rule as PUT /v1/rules/{id} takes it, its id then required.
    const ruleSchema = fx.operations.find((op) => keyOf(op) === 'PUT /v1/rules/{id}')!.requestBody!.content['application/json'];
    const yamlSchema: JsonSchema = { type: 'object', properties: { rules: { type: 'array', items: ruleSchema } }, required: ['rules'], additionalProperties: false };
    const target = bodyTarget(operation, url, body, isYaml(operation) ? yamlSchema : undefined);
    const random = createPrng(SEED + 2 + n);
    const statuses = await refusedAll(Array.from({ length: BODIES_PER_ROUTE }, (_, i) => brokenBody(target, random, i)));
    expect(statuses).toEqual(target.detailRoot === 'body' ? [400, 413, 415] : [400, 413, 415, 422]);
  });
});
