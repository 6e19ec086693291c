import type { RegistryEvent } from '@airan/contracts';
import { ServiceProcess, createApiKey, dropDatabase, eventually, isolate } from './support/stack';
import { TopicReader } from './support/topic-reader';

/** The pilot registry over HTTP: validation, references, pagination, scoping of writes, and its topic. */
describe('api: pilot registry', () => {
  const isolation = isolate();
  let api: ServiceProcess;
  let registryTopic: TopicReader<RegistryEvent | null>;
  let admin: string;
  let ops: string;

  beforeAll(async () => {
    api = await ServiceProcess.start('api', isolation.env);
    [admin, ops] = (await Promise.all([createApiKey(isolation, 'admin', 'root'), createApiKey(isolation, 'ops', 'noc')])).map((k) => k.key);
    registryTopic = await TopicReader.open(`${isolation.topicPrefix}airan.registry.v1`);
  });

  afterAll(async () => {
    await registryTopic?.close();
    await api?.stop();
    await dropDatabase(isolation);
  });

  const call = (method: string, path: string, key: string, body?: unknown) =>
    fetch(`${api.url}${path}`, { method, headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });

  it('serves the seeded pilots of all three operators, paginated and filtered', async () => {
    const first = (await (await call('GET', '/v1/registry/operator?limit=2', ops)).json()) as { items: Array<{ entity: { id: string } }>; next: string };
    expect(first.items.map((i) => i.entity.id)).toEqual(['kt', 'lguplus']);
    expect(first.next).toBe('lguplus');
    const second = (await (await call('GET', `/v1/registry/operator?limit=2&after=${first.next}`, ops)).json()) as { items: Array<{ entity: { id: string } }>; next: string | null };
    expect(second).toMatchObject({ items: [{ entity: { id: 'skt', name: 'SK Telecom' } }], next: null });

    const ktSites = (await (await call('GET', '/v1/registry/site?operator=kt', ops)).json()) as { items: Array<{ entity: { id: string; operatorId: string } }> };
    expect(ktSites.items.map((i) => i.entity.id)).toEqual(['kt-daejeon-etri-01', 'kt-seoul-gwanghwamun-01']);
    const pilot = (await (await call('GET', '/v1/registry/pilot/kt-ai-ran-2026', ops)).json()) as { entity: { partnerIds: string[]; status: string } };
    expect(pilot.entity).toMatchObject({ operatorId: 'kt', status: 'active', partnerIds: ['etri', 'yonsei'] });
  });

  it('creates, versions and publishes entities; deletion waits for references and leaves a tombstone', async () => {
    const site = { operatorId: 'skt', pilotId: 'skt-ai-ran-2026', name: 'Daegu Dongseong-ro', latitude: 35.8693, longitude: 128.5953 };
    expect((await call('PUT', '/v1/registry/site/skt-daegu-01', admin, site)).status).toBe(200);
    const node = { siteId: 'skt-daegu-01', hostname: 'skt-daegu-01-gpu01', model: 'RTX PRO 6000 Blackwell', gpuCount: 2, migLayout: ['3g.48gb', '4g.48gb'] };
    expect((await call('PUT', '/v1/registry/gpu-node/skt-daegu-01-gpu01', admin, node)).status).toBe(200);
    const cell = { siteId: 'skt-daegu-01', nrCellIdentity: '00B4C2A01', pci: 301, band: 'n78', bandwidthMhz: 100, gpuNodeId: 'skt-daegu-01-gpu01', allocatedGpus: 0.5 };
    expect((await call('PUT', '/v1/registry/cell/skt-daegu-01-c1', admin, cell)).status).toBe(200);
    const again = await call('PUT', '/v1/registry/cell/skt-daegu-01-c1', admin, { ...cell, allocatedGpus: 0.75 });
    expect(await again.json()).toMatchObject({ type: 'cell', version: 2, entity: { id: 'skt-daegu-01-c1', allocatedGpus: 0.75 } });

    const refused = await call('DELETE', '/v1/registry/site/skt-daegu-01', admin);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ error: { code: 'STILL_REFERENCED', details: ['1 gpu-node (siteId)', '1 cell (siteId)'] } });
    for (const path of ['cell/skt-daegu-01-c1', 'gpu-node/skt-daegu-01-gpu01', 'site/skt-daegu-01']) {
      expect((await call('DELETE', `/v1/registry/${path}`, admin)).status).toBe(204);
    }
    expect((await call('GET', '/v1/registry/site/skt-daegu-01', ops)).status).toBe(404);

    const events = await eventually(async () => {
      const mine = registryTopic.messages.filter((m) => m.key?.includes('skt-daegu-01'));
      if (mine.length < 7) throw new Error(`${mine.length} events so far`);
      return mine;
    });
    expect(events.map((m) => [m.key, m.value?.version ?? null])).toEqual([
      ['site:skt-daegu-01', 1],
      ['gpu-node:skt-daegu-01-gpu01', 1],
      ['cell:skt-daegu-01-c1', 1],
      ['cell:skt-daegu-01-c1', 2],
      ['cell:skt-daegu-01-c1', null],
      ['gpu-node:skt-daegu-01-gpu01', null],
      ['site:skt-daegu-01', null],
    ]);
  });

  it.each([
    ['a field of the wrong type', 'cell/x-c1', { siteId: 'skt-pangyo-01', pci: 'three' }, 422, 'INVALID_ENTITY', '$.pci'],
    ['an unknown field', 'operator/x', { name: 'X', colour: 'red' }, 422, 'INVALID_ENTITY', '$.colour'],
    ['a missing reference', 'cell/x-c1', { siteId: 'nowhere-01' }, 422, 'REFERENCE_MISSING', undefined],
    ["a GPU node at another site", 'cell/x-c1', { siteId: 'skt-pangyo-01', gpuNodeId: 'kt-daejeon-etri-01-gpu01' }, 422, 'REFERENCE_MISSING', undefined],
    ['an end before the start', 'pilot/x', { name: 'X', operatorId: 'kt', region: 'Seoul', status: 'planned', startDate: '2026-05-01', endDate: '2026-04-01' }, 422, 'INVALID_ENTITY', '$.endDate'],
    ['an unknown type', 'antenna/x', { name: 'X' }, 404, 'UNKNOWN_TYPE', undefined],
    ['an invalid id', 'operator/-x', { name: 'X' }, 400, 'INVALID_ID', undefined],
  ])('refuses %s', async (_, path, body, status, code, field) => {
    const response = await call('PUT', `/v1/registry/${path}`, admin, body);
    expect(response.status).toBe(status);
    const payload = (await response.json()) as { error: { code: string; details?: Array<{ path: string }> } };
    expect(payload.error.code).toBe(code);
    if (field) expect(payload.error.details?.map((d) => d.path)).toContain(field);
  });

  it('lets only admins write, and everyone authenticated read', async () => {
    expect((await call('PUT', '/v1/registry/operator/x', ops, { name: 'X' })).status).toBe(403);
    expect((await fetch(`${api.url}/v1/registry/operator`)).status).toBe(401);
  });

  it('describes itself in OpenAPI, from the same schemas that validate', async () => {
    const document = (await (await fetch(`${api.url}/openapi.json`)).json()) as { paths: Record<string, unknown>; components: { schemas: Record<string, { required?: string[]; properties: Record<string, unknown> }> } };
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/v1/registry/cell/{id}', '/v1/admin/keys', '/v1/alerts']));
    expect(document.components.schemas.CellBody.required).toEqual(['siteId']);
    expect(document.components.schemas.CellBody.properties.pci).toEqual({ type: 'integer', minimum: 0, maximum: 1007 });
  });
});
