import type { Cell, GpuNode } from '@airan/contracts';
import type { SiteBatch } from '@airan/telemetry-formats';
import { indexSite, NO_IDENTIFIERS, resolveCell, resolveIdentifiers, resolveNode } from './identifier.resolver';

const DN = 'SubNetwork=KT,ManagedElement=gnb-1,GNBDUFunction=1,NRCellDU=3';
const cells: Cell[] = [
  { id: 'kt-c1', siteId: 'kt-s1', nrCellIdentity: '0100010AB', distinguishedName: DN },
  { id: 'kt-c2', siteId: 'kt-s1' },
];
const nodes: GpuNode[] = [{ id: 'kt-gpu01', siteId: 'kt-s1', hostname: 'dgx-01', model: 'H100', gpuCount: 8, aliases: ['k8s-node-a', 'dcgm-exporter-7f9c'] }];
const site = indexSite(cells, nodes);

describe('identifier resolver', () => {
  it('keeps a registry cell id, renames an NCI (any case) or a DN to the cell id', () => {
    expect(resolveCell(site, 'kt-c2')).toEqual({ kind: 'known', cellId: 'kt-c2' });
    expect(resolveCell(site, '0100010AB')).toEqual({ kind: 'renamed', cellId: 'kt-c1' });
    expect(resolveCell(site, '0100010ab')).toEqual({ kind: 'renamed', cellId: 'kt-c1' });
    expect(resolveCell(site, DN)).toEqual({ kind: 'renamed', cellId: 'kt-c1' });
  });

  it('keeps an unknown id as reported, and leaves an unknown DN unresolved', () => {
    expect(resolveCell(site, '010009999')).toEqual({ kind: 'unknown', cellId: '010009999' });
    expect(resolveCell(site, 'SubNetwork=KT,NRCellDU=9')).toEqual({ kind: 'unresolved' });
    expect(resolveCell(NO_IDENTIFIERS, DN)).toEqual({ kind: 'unresolved' });
  });

  it('keeps a hostname, renames an alias to its hostname, keeps an unknown node', () => {
    expect(resolveNode(site, 'dgx-01')).toEqual({ kind: 'known', node: 'dgx-01' });
    expect(resolveNode(site, 'k8s-node-a')).toEqual({ kind: 'renamed', node: 'dgx-01' });
    expect(resolveNode(site, 'dgx-99')).toEqual({ kind: 'unknown', node: 'dgx-99' });
  });

  it('does not resolve another site’s names', () => {
    const other = indexSite([{ id: 'kt-c9', siteId: 'kt-s2', nrCellIdentity: '0100010AB' }], []);
    expect(resolveCell(other, DN)).toEqual({ kind: 'unresolved' });
    expect(resolveNode(other, 'k8s-node-a')).toEqual({ kind: 'unknown', node: 'k8s-node-a' });
  });

  it('rewrites batches, lists distinct unknown names per site and sets unresolved cell samples apart', () => {
    const batch: SiteBatch = {
      siteId: 'kt-s1',
      cells: [
        { cellId: '0100010ab', ts: 1, intervalMs: 1000, prbDlPct: 10 },
        { cellId: DN, ts: 2, intervalMs: 1000 },
        { cellId: 'kt-c2', ts: 3, intervalMs: 1000 },
        { cellId: 'new-cell', ts: 4, intervalMs: 1000 },
        { cellId: 'new-cell', ts: 5, intervalMs: 1000 },
        { cellId: 'SubNetwork=KT,NRCellDU=9', ts: 6, intervalMs: 1000 },
      ],
      gpus: [
        { node: 'dcgm-exporter-7f9c', device: '0', ts: 1, utilPct: 50 },
        { node: 'dgx-77', device: '0', ts: 1 },
      ],
      heartbeats: [],
    };
    const result = resolveIdentifiers([batch], (id) => (id === 'kt-s1' ? site : NO_IDENTIFIERS));
    expect(result.sites[0].cells.map((c) => c.cellId)).toEqual(['kt-c1', 'kt-c1', 'kt-c2', 'new-cell', 'new-cell']);
    expect(result.sites[0].cells[0]).toEqual({ cellId: 'kt-c1', ts: 1, intervalMs: 1000, prbDlPct: 10 });
    expect(result.sites[0].gpus.map((g) => g.node)).toEqual(['dgx-01', 'dgx-77']);
    expect(result.unknown).toEqual([
      { siteId: 'kt-s1', kind: 'cell', identifier: 'new-cell' },
      { siteId: 'kt-s1', kind: 'gpu-node', identifier: 'dgx-77' },
    ]);
    expect(result.unresolved).toEqual([{ siteId: 'kt-s1', sample: { cellId: 'SubNetwork=KT,NRCellDU=9', ts: 6, intervalMs: 1000 } }]);
  });

  it('drops a site whose every sample was unresolved, and keeps a site that only sent heartbeats', () => {
    const onlyDn: SiteBatch = { siteId: 'kt-s1', cells: [{ cellId: 'NRCellDU=9', ts: 1, intervalMs: 1000 }], gpus: [], heartbeats: [] };
    const heartbeat: SiteBatch = { siteId: 'kt-s2', cells: [], gpus: [], heartbeats: [1] };
    const result = resolveIdentifiers([onlyDn, heartbeat], () => NO_IDENTIFIERS);
    expect(result.sites.map((s) => s.siteId)).toEqual(['kt-s2']);
    expect(result.unresolved).toHaveLength(1);
  });

  it('lets the first entity win a clash the api should have refused', () => {
    const clash = indexSite([{ id: 'a', siteId: 's', nrCellIdentity: '000000001' }, { id: 'b', siteId: 's', nrCellIdentity: '000000001' }], [
      { id: 'n1', siteId: 's', hostname: 'h1', model: 'm', gpuCount: 1, aliases: ['h2'] },
      { id: 'n2', siteId: 's', hostname: 'h2', model: 'm', gpuCount: 1 },
    ]);
    expect(resolveCell(clash, '000000001')).toEqual({ kind: 'renamed', cellId: 'a' });
    expect(resolveNode(clash, 'h2')).toEqual({ kind: 'known', node: 'h2' });
  });
});
