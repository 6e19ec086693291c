import type { Grant } from '@airan/contracts';
import { grantCovers, partnerCopies, shareView } from './share-view';

const NOW = Date.parse('2026-12-05T00:00:00Z');
const base: Grant = { id: 'g', partnerId: 'etri', products: ['cell-load', 'rollups', 'alerts', 'telemetry'], redact: [], validFrom: '2026-01-01T00:00:00Z' };
const pilots: Record<string, string> = { 'skt-a': 'skt-pilot' };
const pilotOfSite = (site: string) => pilots[site];

const cellLoad = { schema: 'airan.cell-load/1', id: 'e1', operatorId: 'skt', siteId: 'skt-a', pilotId: 'skt-pilot', cellId: 'skt-a-c1', tokens: 5, requests: 2, sourceTraceIds: ['t'] };
const siteRollup = { schema: 'airan.rollup/1', id: 'r1', scope: 'site', scopeId: 'skt-a', operatorId: 'skt', tokens: 9 };
const operatorRollup = { ...siteRollup, id: 'r2', scope: 'operator', scopeId: 'skt' };
const pilotRollup = { ...siteRollup, id: 'r3', scope: 'pilot', scopeId: 'skt-pilot' };
const report = { schema: 'airan.telemetry/1', id: 't1', operatorId: 'skt', siteId: 'skt-a', keyId: 'k1', cells: [] };
const alert = { schema: 'airan.alert/1', id: 'a1', fingerprint: 'f', labels: { operator: 'kt', site: 'kt-a' }, trace: { traceparent: null }, value: 1 };

describe('shareView', () => {
  it('covers an event through any of its operator, pilot or site, and only granted products', () => {
    expect(grantCovers({ ...base, siteIds: ['skt-a'] }, 'cell-load', { operator: 'skt', site: 'skt-a' })).toBe(true);
    expect(grantCovers({ ...base, pilotIds: ['skt-pilot'] }, 'cell-load', { operator: 'skt', pilot: 'skt-pilot' })).toBe(true);
    expect(grantCovers({ ...base, operatorIds: ['kt'] }, 'cell-load', { operator: 'skt', site: 'skt-a' })).toBe(false);
    expect(grantCovers({ ...base, products: ['alerts'], operatorIds: ['skt'] }, 'cell-load', { operator: 'skt' })).toBe(false);
  });

  it('leaves out the fields every covering grant redacts, and always the trace context and key id', () => {
    const one = { ...base, operatorIds: ['skt'], redact: ['tokens', 'requests'] };
    expect(shareView([one], 'cell-load', cellLoad, NOW, pilotOfSite)).toEqual({ schema: 'airan.cell-load/1', id: 'e1', operatorId: 'skt', siteId: 'skt-a', pilotId: 'skt-pilot', cellId: 'skt-a-c1' });
    // A second grant covering the same event lets `requests` through.
    const other = { ...base, id: 'g2', siteIds: ['skt-a'], redact: ['tokens'] };
    expect(shareView([one, other], 'cell-load', cellLoad, NOW, pilotOfSite)).toMatchObject({ requests: 2 });
    expect(shareView([one, other], 'cell-load', cellLoad, NOW, pilotOfSite)).not.toHaveProperty('tokens');
    expect(shareView([one], 'telemetry', report, NOW, pilotOfSite)).toEqual({ schema: 'airan.telemetry/1', id: 't1', operatorId: 'skt', siteId: 'skt-a', cells: [] });
    expect(shareView([{ ...base, operatorIds: ['kt'] }], 'alerts', alert, NOW, pilotOfSite)).toEqual({ schema: 'airan.alert/1', id: 'a1', fingerprint: 'f', labels: alert.labels, value: 1 });
  });

  it('gives nothing outside the grants, or when no grant is in force', () => {
    expect(shareView([{ ...base, operatorIds: ['kt'] }], 'cell-load', cellLoad, NOW, pilotOfSite)).toBeUndefined();
    expect(shareView([{ ...base, operatorIds: ['skt'], validUntil: '2026-12-04T00:00:00Z' }], 'cell-load', cellLoad, NOW, pilotOfSite)).toBeUndefined();
    expect(shareView([{ ...base, operatorIds: ['skt'], validFrom: '2026-12-06T00:00:00Z' }], 'cell-load', cellLoad, NOW, pilotOfSite)).toBeUndefined();
    expect(shareView([], 'cell-load', cellLoad, NOW, pilotOfSite)).toBeUndefined();
  });

  it("never lets a site's grant see the totals of a pilot or operator, which hold other sites", () => {
    const site = [{ ...base, siteIds: ['skt-a'] }];
    expect(shareView(site, 'rollups', siteRollup, NOW, pilotOfSite)).toBeDefined();
    expect(shareView(site, 'rollups', pilotRollup, NOW, pilotOfSite)).toBeUndefined();
    expect(shareView(site, 'rollups', operatorRollup, NOW, pilotOfSite)).toBeUndefined();
    const pilot = [{ ...base, pilotIds: ['skt-pilot'] }];
    expect([siteRollup, pilotRollup, operatorRollup].map((r) => shareView(pilot, 'rollups', r, NOW, pilotOfSite) !== undefined)).toEqual([true, true, false]);
    // The site's pilot comes from the registry: a telemetry report names only its site.
    expect(shareView(pilot, 'telemetry', report, NOW, pilotOfSite)).toBeDefined();
  });
});

describe('partnerCopies', () => {
  it("gives each partner its own view, from its own grants only", () => {
    const grants: Grant[] = [
      { ...base, id: 'e1', partnerId: 'etri', operatorIds: ['skt'], redact: ['tokens'] },
      { ...base, id: 'y1', partnerId: 'yonsei', siteIds: ['skt-a'] },
      { ...base, id: 'k1', partnerId: 'kaist', operatorIds: ['kt'] },
    ];
    const copies = partnerCopies(grants, 'cell-load', cellLoad, NOW, pilotOfSite);
    expect(copies.map((c) => c.partnerId)).toEqual(['etri', 'yonsei']);
    expect(copies[0].view).not.toHaveProperty('tokens');
    expect(copies[1].view).toMatchObject({ tokens: 5 });
  });
});
