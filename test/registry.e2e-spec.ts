import Ajv from 'ajv';
import { REGISTRY_EVENT_ID_HEADER, type RegistryEvent } from '@airan/contracts';
import type { ServiceProcess } from './support/service-process';
import { createApiKey, eventually, isolate, postWithNewKey } from './support/stack';
import { startServices } from './support/start-services';
import { TopicReader } from './support/topic-reader';

/** The pilot registry over HTTP: validation, references, pagination, scoping of writes, and its topic. */
describe('api: pilot registry', () => {
  const isolation = isolate();
  let api: ServiceProcess;
  let ingest: ServiceProcess;
  let registryTopic: TopicReader<RegistryEvent | null>;
  let admin: string;
  let ops: string;
  let operator: string;
  let partner: string;

  beforeAll(async () => {
    ({ api, ingest } = await startServices({ api: isolation.env, ingest: isolation.env }));
    const keys = await Promise.all([
      createApiKey(isolation, 'admin', 'root'),
      createApiKey(isolation, 'ops', 'noc'),
      createApiKey(isolation, 'operator', 'skt'),
      createApiKey(isolation, 'partner', 'etri'),
    ]);
    [admin, ops, operator, partner] = keys.map((k) => k.key);
    registryTopic = await TopicReader.open(`${isolation.topicPrefix}airan.registry.v1`);
  });

  afterAll(async () => {
    await registryTopic?.close();
    await Promise.all([api?.stop(), ingest?.stop()]);
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

  it('seeds cells with distinct NR cell identities and PCIs, and one GPU node with a MIG layout', async () => {
    const cells = (await (await call('GET', '/v1/registry/cell?limit=500', ops)).json()) as { items: Array<{ entity: { id: string; nrCellIdentity?: string; pci?: number } }> };
    expect(cells.items).toHaveLength(18);
    expect(new Set(cells.items.map((c) => c.entity.nrCellIdentity)).size).toBe(18);
    expect(new Set(cells.items.map((c) => c.entity.pci)).size).toBe(18);
    const gangnam = cells.items.filter((c) => c.entity.id.startsWith('skt-seoul-gangnam-01-')).map((c) => c.entity);
    expect(gangnam).toEqual([
      expect.objectContaining({ id: 'skt-seoul-gangnam-01-c1', nrCellIdentity: '010001001', pci: 0 }),
      expect.objectContaining({ id: 'skt-seoul-gangnam-01-c2', nrCellIdentity: '010001002', pci: 1 }),
      expect.objectContaining({ id: 'skt-seoul-gangnam-01-c3', nrCellIdentity: '010001003', pci: 2 }),
    ]);

    const nodes = (await (await call('GET', '/v1/registry/gpu-node', ops)).json()) as { items: Array<{ entity: { id: string; model: string; migLayout?: string[] } }> };
    expect(nodes.items.filter((n) => n.entity.migLayout).map((n) => n.entity)).toEqual([
      expect.objectContaining({ id: 'skt-pangyo-01-gpu01', model: 'B200', migLayout: ['3g.90gb', '4g.90gb'] }),
    ]);
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

  it('publishes an entity created again after its deletion, and consumers see it alive again', async () => {
    const SITE = 'skt-ulsan-01';
    const site = { operatorId: 'skt', pilotId: 'skt-ai-ran-2026', name: 'Ulsan Samsan-dong', latitude: 35.5384, longitude: 129.3114 };
    const heartbeat = () => postWithNewKey(`${ingest.url}/v1/telemetry`, operator, { records: [{ type: 'heartbeat', siteId: SITE, ts: new Date().toISOString() }] });
    /** What ingest, reading the registry topic, makes of the site: 202 while it knows it, UNKNOWN_SITE once deleted. */
    const ingestSees = (alive: boolean) =>
      eventually(async () => {
        const response = await heartbeat();
        const body = (await response.json()) as { error?: { details?: Array<{ code: string }> } };
        const known = response.status === 202;
        if (known !== alive) throw new Error(`ingest answered ${response.status}`);
        if (!alive) expect(body.error?.details?.map((d) => d.code)).toEqual(['UNKNOWN_SITE']);
      });

    expect(await (await call('PUT', `/v1/registry/site/${SITE}`, admin, site)).json()).toMatchObject({ version: 1 });
    await ingestSees(true);
    expect((await call('DELETE', `/v1/registry/site/${SITE}`, admin)).status).toBe(204);
    await ingestSees(false);
    // The tombstone took version 2: the entity continues at 3 instead of repeating version 1 (and its event id).
    expect(await (await call('PUT', `/v1/registry/site/${SITE}`, admin, site)).json()).toMatchObject({ version: 3, entity: { id: SITE } });
    await ingestSees(true);

    const events = await eventually(async () => {
      const mine = registryTopic.messages.filter((m) => m.key === `site:${SITE}`);
      if (mine.length < 3) throw new Error(`${mine.length} events so far`);
      return mine;
    });
    expect(events.map((m) => m.value?.version ?? null)).toEqual([1, null, 3]);
    const ids = events.map((m) => m.headers[REGISTRY_EVENT_ID_HEADER]);
    expect(new Set(ids).size).toBe(3);
    expect(ids.filter((id, i) => events[i].value !== null)).toEqual(events.filter((m) => m.value !== null).map((m) => m.value!.id));
  });

  it.each([
    ['a field of the wrong type', 'cell/x-c1', { siteId: 'skt-pangyo-01', pci: 'three' }, 400, 'INVALID_BODY', 'body.pci'],
    ['an unknown field', 'operator/x', { name: 'X', colour: 'red' }, 400, 'INVALID_BODY', 'body.colour'],
    ['a missing reference', 'cell/x-c1', { siteId: 'nowhere-01' }, 422, 'REFERENCE_MISSING', undefined],
    ["a GPU node at another site", 'cell/x-c1', { siteId: 'skt-pangyo-01', gpuNodeId: 'kt-daejeon-etri-01-gpu01' }, 422, 'REFERENCE_MISSING', undefined],
    ['an end before the start', 'pilot/x', { name: 'X', operatorId: 'kt', region: 'Seoul', status: 'planned', startDate: '2026-05-01', endDate: '2026-04-01' }, 400, 'INVALID_BODY', 'body.endDate'],
    ['an unknown type', 'antenna/x', { name: 'X' }, 404, 'UNKNOWN_TYPE', undefined],
    ['an invalid id', 'operator/-x', { name: 'X' }, 400, 'INVALID_PATH_PARAMETER', 'path.id'],
  ])('refuses %s', async (_, path, body, status, code, field) => {
    const response = await call('PUT', `/v1/registry/${path}`, admin, body);
    expect(response.status).toBe(status);
    const payload = (await response.json()) as { error: { code: string; details?: Array<{ path: string }> } };
    expect(payload.error.code).toBe(code);
    if (field) expect(payload.error.details?.map((d) => d.path)).toContain(field);
  });

  it('lets only admins write: ops, operator and partner keys are refused and change nothing', async () => {
    expect((await call('PUT', '/v1/registry/operator/mvno', admin, { name: 'MVNO' })).status).toBe(200);
    for (const key of [ops, operator, partner]) {
      expect((await call('PUT', '/v1/registry/operator/mvno', key, { name: 'Renamed' })).status).toBe(403);
      expect((await call('PUT', '/v1/registry/operator/newco', key, { name: 'NewCo' })).status).toBe(403);
      expect((await call('DELETE', '/v1/registry/operator/mvno', key)).status).toBe(403);
    }
    expect(await (await call('GET', '/v1/registry/operator/mvno', ops)).json()).toMatchObject({ version: 1, entity: { name: 'MVNO' } });
    expect((await call('GET', '/v1/registry/operator/newco', ops)).status).toBe(404);

    // The topic is one partition relayed in commit order: once the admin's deletion is on it, anything the
    // refused calls had published would be there before it.
    expect((await call('DELETE', '/v1/registry/operator/mvno', admin)).status).toBe(204);
    const events = await eventually(async () => {
      const mine = registryTopic.messages.filter((m) => m.key === 'operator:mvno' || m.key === 'operator:newco');
      if (!mine.some((m) => m.value === null)) throw new Error('no tombstone yet');
      return mine;
    });
    expect(events.map((m) => [m.key, m.value?.entity ?? null])).toEqual([
      ['operator:mvno', { id: 'mvno', name: 'MVNO' }],
      ['operator:mvno', null],
    ]);
  });

  it('lets ops and admins read, and nobody unauthenticated', async () => {
    expect((await call('GET', '/v1/registry/operator/skt', ops)).status).toBe(200);
    expect((await call('GET', '/v1/registry/operator/skt', admin)).status).toBe(200);
    expect((await fetch(`${api.url}/v1/registry/operator`)).status).toBe(401);
  });

  it('describes itself in OpenAPI, from the same schemas that validate, and its answers match the document', async () => {
    const document = (await (await fetch(`${api.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
      components: { schemas: Record<string, { required?: string[]; properties: Record<string, unknown> }> };
    };
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/v1/registry/cell/{id}', '/v1/admin/keys', '/v1/alerts']));
    expect(document.components.schemas.CellBody.required).toEqual(['siteId']);
    expect(document.components.schemas.CellBody.properties.pci).toEqual({ type: 'integer', minimum: 0, maximum: 1007 });
    expect(document.components.schemas.Cell.required).toEqual(['id', 'siteId']);
    expect(document.components.schemas.Cell.properties.pci).toEqual(document.components.schemas.CellBody.properties.pci);
    expect(document.paths['/v1/registry/cell'].get.responses['200'].content?.['application/json'].schema).toEqual({ $ref: '#/components/schemas/CellPage' });
    expect(document.paths['/v1/registry/cell/{id}'].get.responses['200'].content?.['application/json'].schema).toEqual({ $ref: '#/components/schemas/CellEntry' });

    // Formats are descriptive here; the shapes, bounds and patterns are what the answers must meet.
    const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
    ajv.addSchema({ $id: 'openapi', components: document.components });
    for (const [type, schema] of [['operator', 'Operator'], ['partner', 'Partner'], ['pilot', 'Pilot'], ['site', 'Site'], ['gpu-node', 'GpuNode'], ['cell', 'Cell']]) {
      const page = (await (await call('GET', `/v1/registry/${type}?limit=2`, ops)).json()) as { items: Array<{ entity: { id: string } }> };
      const validatePage = ajv.getSchema(`openapi#/components/schemas/${schema}Page`)!;
      expect([type, validatePage(page), validatePage.errors ?? null]).toEqual([type, true, null]);
      expect(page.items).toHaveLength(2);
      const one = await (await call('GET', `/v1/registry/${type}/${page.items[0].entity.id}`, ops)).json();
      const validateEntry = ajv.getSchema(`openapi#/components/schemas/${schema}Entry`)!;
      expect([type, validateEntry(one), validateEntry.errors ?? null]).toEqual([type, true, null]);
    }
  });
});
