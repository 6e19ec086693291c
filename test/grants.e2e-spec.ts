import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { RegistryEvent } from '@airan/contracts';
import { readTopicToEnd } from './support/kafka-test-tools';
import type { ServiceProcess } from './support/service-process';
import { createApiKey, eventually, isolate } from './support/stack';
import { startServices } from './support/start-services';

interface ErrorBody {
  readonly error: { readonly code: string; readonly details?: ReadonlyArray<{ path: string }> | readonly string[] };
}
interface GrantView {
  readonly grant: Record<string, unknown> & { id: string; partnerId: string };
  readonly version: number;
  readonly active: boolean;
  readonly redacted: Record<string, string[]>;
}

/**
 * Grants, as admins write them (registry routes and the keys CLI) and partners read them: validated with
 * field paths, referencing entities that exist, published on the registry topic, each partner reading only
 * its own, with what is in force and what is redacted.
 */
describe('grants', () => {
  const isolation = isolate();
  const CLI = join(__dirname, '..', 'dist/apps/api/src/cli/keys.cli.js');
  let api: ServiceProcess;
  const keys: Record<'admin' | 'ops' | 'etri' | 'yonsei' | 'skt', string> = { admin: '', ops: '', etri: '', yonsei: '', skt: '' };

  const call = async <T>(method: string, path: string, key: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${api.url}${path}`, { method, headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (response.status === 204 ? undefined : await response.json()) as T };
  };
  const grants = (key: string, query = '') => call<{ grants: GrantView[] }>('GET', `/v1/grants${query}`, key);
  const putGrant = (id: string, body: unknown) => call<ErrorBody & Record<string, unknown>>('PUT', `/v1/registry/grant/${id}`, keys.admin, body);

  const grant = {
    partnerId: 'etri',
    products: ['cell-load', 'rollups'],
    operatorIds: ['skt'],
    siteIds: ['kt-daejeon-etri-01'],
    redact: ['siteId', 'tokens'],
    validFrom: '2026-01-01T00:00:00Z',
  };

  function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(process.execPath, [CLI, ...args], { env: { ...process.env, DATABASE_URL: isolation.databaseUrl, KAFKA_TOPIC_PREFIX: isolation.topicPrefix } }, (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
      );
    });
  }

  beforeAll(async () => {
    ({ api } = await startServices({ api: isolation.env }));
    const created = await Promise.all([
      createApiKey(isolation, 'admin', 'root'),
      createApiKey(isolation, 'ops', 'noc'),
      createApiKey(isolation, 'partner', 'etri'),
      createApiKey(isolation, 'partner', 'yonsei'),
      createApiKey(isolation, 'operator', 'skt'),
    ]);
    [keys.admin, keys.ops, keys.etri, keys.yonsei, keys.skt] = created.map((k) => k.key);
    // etri and yonsei come with the demo fleet; kaist is named by nothing but the grant below.
    expect((await call('PUT', '/v1/registry/partner/kaist', keys.admin, { name: 'KAIST' })).status).toBe(200);
  });

  afterAll(async () => {
    await api?.stop();
  });

  it("stores a grant, publishes it on the registry topic, and gives the partner its own with what is in force and redacted", async () => {
    const stored = await putGrant('etri-skt', grant);
    expect(stored).toMatchObject({ status: 200, body: { type: 'grant', version: 1, entity: { id: 'etri-skt', ...grant } } });
    expect((await putGrant('etri-expired', { ...grant, products: ['alerts'], redact: [], validUntil: '2026-06-01T00:00:00Z' })).status).toBe(200);
    expect((await putGrant('yonsei-kt', { partnerId: 'yonsei', products: ['telemetry'], operatorIds: ['kt'], validFrom: '2026-01-01T00:00:00Z' })).status).toBe(200);

    const own = await grants(keys.etri);
    expect(own.status).toBe(200);
    expect(own.body.grants.map((g) => [g.grant.id, g.active])).toEqual([
      ['etri-expired', false],
      ['etri-skt', true],
    ]);
    expect(own.body.grants[1].redacted).toEqual({ 'cell-load': ['siteId', 'sourceTraceIds', 'tokens'], rollups: ['tokens'] });
    expect(own.body.grants[0].redacted).toEqual({ alerts: ['trace'] });
    expect((await grants(keys.etri, '?active=true')).body.grants.map((g) => g.grant.id)).toEqual(['etri-skt']);
    expect((await grants(keys.yonsei)).body.grants.map((g) => g.grant.id)).toEqual(['yonsei-kt']);
    expect((await grants(keys.ops, '?partner=etri&active=false')).body.grants.map((g) => g.grant.id)).toEqual(['etri-expired']);
    expect((await grants(keys.admin)).body.grants).toHaveLength(3);

    const events = await eventually(async () => {
      const found = (await readTopicToEnd<RegistryEvent<'grant'>>(`${isolation.topicPrefix}airan.registry.v1`)).filter((m) => m.key === 'grant:etri-skt');
      if (found.length === 0) throw new Error('not relayed yet');
      return found;
    });
    expect(events.map((m) => m.value)).toEqual([expect.objectContaining({ type: 'grant', version: 1, entity: { id: 'etri-skt', ...grant } })]);
  });

  it("refuses a partner another partner's grants, and operators every grant", async () => {
    expect(await grants(keys.etri, '?partner=yonsei')).toMatchObject({ status: 403, body: { error: { code: 'PARTNER_NOT_PERMITTED', details: [{ path: 'query.partner' }] } } });
    expect((await grants(keys.skt)).status).toBe(403);
    expect((await call('PUT', '/v1/registry/grant/etri-self', keys.etri, grant)).status).toBe(403);
  });

  it.each([
    ['an unknown product', { products: ['weather'] }, ['body.products[0]']],
    ['no scope', { operatorIds: [], siteIds: undefined }, ['body.operatorIds']],
    ['a validity that ends before it starts', { validUntil: '2025-12-31T23:59:59Z' }, ['body.validUntil']],
    ['fields the products do not carry, or that are the key', { redact: ['tokens', 'severity', 'cellId'] }, ['body.redact[1]', 'body.redact[2]']],
    ['a time without an offset', { validFrom: '2026-01-01T00:00:00' }, ['body.validFrom']],
    ['an unknown field', { audience: 'all' }, ['body.audience']],
  ])('refuses %s with 400 naming the field', async (_case, change, paths) => {
    const refused = await putGrant('bad', { ...grant, ...change });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('INVALID_BODY');
    expect((refused.body.error.details as Array<{ path: string }>).map((d) => d.path)).toEqual(paths);
  });

  it('refuses a grant naming entities that do not exist, and keeps a granted partner from deletion', async () => {
    const missing = await putGrant('dangling', { ...grant, partnerId: 'snu', siteIds: ['nowhere-01'] });
    expect(missing).toMatchObject({ status: 422, body: { error: { code: 'REFERENCE_MISSING', details: ['partnerId: no partner "snu"', 'siteIds: no site "nowhere-01"'] } } });
    expect((await putGrant('kaist-kt', { ...grant, partnerId: 'kaist' })).status).toBe(200);
    expect(await call('DELETE', '/v1/registry/partner/kaist', keys.admin)).toMatchObject({ status: 409, body: { error: { code: 'STILL_REFERENCED', details: ['1 grant (partnerId)'] } } });
    expect((await call('DELETE', '/v1/registry/grant/kaist-kt', keys.admin)).status).toBe(204);
    expect((await call('DELETE', '/v1/registry/partner/kaist', keys.admin)).status).toBe(204);
  });

  it('is managed with the keys CLI too: put validates as the api does, delete takes the grant away', async () => {
    const put = await cli('grant', 'put', 'yonsei-cli', JSON.stringify({ partnerId: 'yonsei', products: ['alerts'], pilotIds: ['skt-ai-ran-2026'], validFrom: '2026-02-01T00:00:00+09:00' }));
    expect(put).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(put.stdout)).toMatchObject({ type: 'grant', version: 1, entity: { id: 'yonsei-cli', partnerId: 'yonsei', redact: [] } });
    expect((await grants(keys.yonsei)).body.grants.map((g) => g.grant.id)).toEqual(['yonsei-cli', 'yonsei-kt']);

    const invalid = await cli('grant', 'put', 'yonsei-bad', JSON.stringify({ partnerId: 'yonsei', products: [], pilotIds: ['skt-ai-ran-2026'], validFrom: '2026-02-01T00:00:00Z' }));
    expect(invalid).toMatchObject({ code: 1, stdout: '' });
    expect(invalid.stderr).toContain('"path":"$.products"');
    expect(await cli('grant', 'put', 'x', '{not json')).toMatchObject({ code: 1, stderr: expect.stringContaining('the grant is not JSON') });

    expect(await cli('grant', 'delete', 'yonsei-cli')).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect((await grants(keys.yonsei)).body.grants.map((g) => g.grant.id)).toEqual(['yonsei-kt']);
    expect(await cli('grant', 'delete', 'yonsei-cli')).toMatchObject({ code: 1, stderr: expect.stringContaining('no grant "yonsei-cli"') });
  });
});
