import { DISTINGUISHED_NAME_MAX_LENGTH } from '@airan/contracts';
import { CELL_RULE, ID_PATTERN, isCellReference, isDistinguishedName } from './format-common';
import { parseNativeRecords } from './native.parser';
import { parsePrometheusText } from './prometheus.parser';

const DN = 'SubNetwork=KT,ManagedElement=gnb-1,GNBDUFunction=1,NRCellDU=3';

describe('cell references: airan ids and 3GPP distinguished names', () => {
  it('accepts a DN, with spaces and dots in values', () => {
    expect(isDistinguishedName(DN)).toBe(true);
    expect(isDistinguishedName('NRCellDU=3')).toBe(true);
    expect(isDistinguishedName('SubNetwork=Seoul East,MeContext=gnb.01,ManagedElement=1,NRCellCU=1')).toBe(true);
    expect(isCellReference(DN)).toBe(true);
  });

  it('refuses what is not Attr=value,... or too long', () => {
    for (const bad of ['', 'NRCellDU', '=3', 'NRCellDU=', 'A=1,,B=2', 'A=1,B', 'A=b=c', '1A=2', 'A=1\nB=2', 'A=1,']) expect([bad, isDistinguishedName(bad)]).toEqual([bad, false]);
    expect(isDistinguishedName(`A=${'x'.repeat(DISTINGUISHED_NAME_MAX_LENGTH)}`)).toBe(false);
  });

  it('keeps the id rule for ids, and never takes a DN for an id', () => {
    expect(isCellReference('010001001')).toBe(true);
    expect(isCellReference('kt-c1')).toBe(true);
    expect(isCellReference('bad id')).toBe(false);
    expect(ID_PATTERN.test(DN)).toBe(false);
    expect(CELL_RULE).toContain('distinguished name');
  });

  it('lets the native format name a cell by DN, but a GPU node never', () => {
    const bounds = { now: Date.parse('2026-12-01T00:00:10Z'), maxFutureMs: 60_000, maxAgeMs: 86_400_000 };
    const parsed = parseNativeRecords(
      [
        { type: 'cell', siteId: 'kt-s1', cellId: DN, ts: '2026-12-01T00:00:00Z', intervalMs: 1000 },
        { type: 'cell', siteId: 'kt-s1', cellId: 'A=1,,B=2', ts: '2026-12-01T00:00:00Z', intervalMs: 1000 },
        { type: 'gpu', siteId: 'kt-s1', node: 'A=1', device: '0', ts: '2026-12-01T00:00:00Z' },
      ],
      bounds,
    );
    expect(parsed.sites[0].cells.map((c) => c.cellId)).toEqual([DN]);
    expect(parsed.rejected.map((r) => [r.index, r.errors[0].code])).toEqual([
      [1, 'INVALID_VALUE'],
      [2, 'INVALID_VALUE'],
    ]);
  });

  it('lets a Prometheus cell label hold a DN', () => {
    const now = Date.parse('2026-12-01T00:00:10Z');
    const text = `RRU_PrbTotDl{cell="${DN}"} 42\n`;
    const parsed = parsePrometheusText(text, { now, maxFutureMs: 60_000, maxAgeMs: 86_400_000 }, { siteId: 'kt-s1', intervalMs: 1000, scrapeTs: now });
    expect(parsed.rejected).toEqual([]);
    expect(parsed.sites[0].cells[0].cellId).toBe(DN);
  });
});
