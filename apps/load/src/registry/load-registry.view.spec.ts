import { Kafka, logLevel } from 'kafkajs';
import { REGISTRY_SCHEMA, type RegistryType, type RegistryTypes, registryKey } from '@airan/contracts';
import { RegistryCache } from '@airan/kafka';
import { createLogger } from '@airan/observability';
import { LoadRegistry } from './load-registry.view';

/**
 * LoadRegistry over a real RegistryCache. The cache is never started (no broker): each registry message
 * is handed to the cache's per-message entry point, the one its consumer calls, as the api publishes it
 * on `airan.registry.v1` (key `<type>:<id>`, value a RegistryEvent, null for a tombstone).
 */
describe('LoadRegistry', () => {
  let cache: RegistryCache;
  let registry: LoadRegistry;
  let version = 0;

  const at = () => ({ topic: 'airan.registry.v1', partition: 0, offset: String(version) });
  const publish = <T extends RegistryType>(type: T, entity: RegistryTypes[T], schema: string = REGISTRY_SCHEMA) =>
    cache['apply'](registryKey(type, entity.id), Buffer.from(JSON.stringify({ schema, id: `e${++version}`, type, version, entity })), at());
  const tombstone = (type: RegistryType, id: string) => cache['apply'](registryKey(type, id), null, at());

  const node = (id: string, hostname: string) => publish('gpu-node', { id, siteId: 'site-1', hostname, model: 'L40S', gpuCount: 2 });
  const cell = (id: string, gpuNodeId?: string, allocatedGpus?: number, siteId = 'site-1') => publish('cell', { id, siteId, gpuNodeId, allocatedGpus });
  const served = (hostname: string) => registry.cellsOf(hostname).map((c) => c.cellId).sort();

  beforeEach(() => {
    const kafka = new Kafka({ clientId: 'load-registry-spec', brokers: ['127.0.0.1:9'], logLevel: logLevel.NOTHING });
    cache = new RegistryCache(kafka, 'airan.registry.v1', '', createLogger('load-registry-spec', 'silent'));
    registry = new LoadRegistry(cache, 0.25);
    publish('operator', { id: 'op-1', name: 'Operator 1' });
    publish('site', { id: 'site-1', operatorId: 'op-1', pilotId: 'pilot-1', name: 'Site 1', latitude: 37.5, longitude: 127 });
  });

  it('skips a registry event of a schema version this build does not read, keeping what it had', () => {
    node('node-17', 'aerial-host-a');
    cell('cell-a', 'node-17', 0.5);
    publish('cell', { id: 'cell-a', siteId: 'site-1', gpuNodeId: undefined, allocatedGpus: 0.75 }, 'airan.registry/2');
    publish('cell', { id: 'cell-new', siteId: 'site-1', gpuNodeId: 'node-17', allocatedGpus: 0.25 }, 'airan.registry/2');
    expect(registry.cellsOf('aerial-host-a')).toEqual([{ cellId: 'cell-a', siteId: 'site-1', operatorId: 'op-1' }]);
  });

  it('names a GPU node by its hostname (what GPU samples carry), not by its registry id', () => {
    node('node-17', 'aerial-host-a');
    cell('cell-a', 'node-17', 0.5);
    cell('cell-b', 'node-17', 0.25);

    expect(registry.servingNode('cell-a')).toBe('aerial-host-a');
    expect(registry.cellsOf('aerial-host-a')).toEqual([
      { cellId: 'cell-a', siteId: 'site-1', operatorId: 'op-1' },
      { cellId: 'cell-b', siteId: 'site-1', operatorId: 'op-1' },
    ]);
    expect(registry.cellsOf('node-17')).toEqual([]);
  });

  it('joins cells and their node whichever arrives first', () => {
    cell('cell-a', 'node-17');
    expect(registry.servingNode('cell-a')).toBeUndefined();
    expect(served('aerial-host-a')).toEqual([]);

    node('node-17', 'aerial-host-a');
    expect(registry.servingNode('cell-a')).toBe('aerial-host-a');
    expect(served('aerial-host-a')).toEqual(['cell-a']);
  });

  it('follows a node renamed, a cell moved to another node or off any node, and tombstones', () => {
    node('node-17', 'aerial-host-a');
    node('node-18', 'aerial-host-b');
    cell('cell-a', 'node-17');
    cell('cell-b', 'node-17');

    node('node-17', 'aerial-host-c');
    expect(served('aerial-host-a')).toEqual([]);
    expect(served('aerial-host-c')).toEqual(['cell-a', 'cell-b']);
    expect(registry.servingNode('cell-b')).toBe('aerial-host-c');

    cell('cell-b', 'node-18');
    expect(served('aerial-host-c')).toEqual(['cell-a']);
    expect(served('aerial-host-b')).toEqual(['cell-b']);

    cell('cell-b');
    expect(served('aerial-host-b')).toEqual([]);
    expect(registry.servingNode('cell-b')).toBeUndefined();

    tombstone('cell', 'cell-a');
    expect(served('aerial-host-c')).toEqual([]);
    expect(registry.servingNode('cell-a')).toBeUndefined();

    cell('cell-a', 'node-17');
    tombstone('gpu-node', 'node-17');
    expect(registry.servingNode('cell-a')).toBeUndefined();
    expect(served('aerial-host-c')).toEqual([]);
  });

  it('serves the cells of every node registered under one hostname', () => {
    node('node-17', 'aerial-host-a');
    node('node-17-bis', 'aerial-host-a');
    cell('cell-a', 'node-17');
    cell('cell-b', 'node-17-bis');

    expect(served('aerial-host-a')).toEqual(['cell-a', 'cell-b']);
    tombstone('gpu-node', 'node-17');
    expect(served('aerial-host-a')).toEqual(['cell-b']);
  });

  it('leaves out cells whose site is not in the registry', () => {
    node('node-17', 'aerial-host-a');
    cell('cell-a', 'node-17', 0.5);
    cell('cell-x', 'node-17', 0.5, 'site-unknown');

    expect(served('aerial-host-a')).toEqual(['cell-a']);
  });

  it("takes a cell's allocation from the registry as it stands, or the default, and a site's pilot", () => {
    node('node-17', 'aerial-host-a');
    cell('cell-a', 'node-17', 0.5);
    expect(registry.allocatedGpus('cell-a')).toBe(0.5);
    cell('cell-a', 'node-17', 0.75);
    expect(registry.allocatedGpus('cell-a')).toBe(0.75);
    cell('cell-a', 'node-17');
    expect(registry.allocatedGpus('cell-a')).toBe(0.25);
    expect(registry.allocatedGpus('cell-unknown')).toBe(0.25);

    expect(registry.pilotOf('site-1')).toBe('pilot-1');
    expect(registry.pilotOf('site-unknown')).toBeUndefined();
  });
});
