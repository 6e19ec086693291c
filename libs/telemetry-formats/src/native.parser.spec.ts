import { parseNativeRecords, type TimeBounds } from './native.parser';
import type { RecordError, SiteAdmission } from './record-error';

const NOW = Date.parse('2026-11-28T09:00:00Z');
const bounds: TimeBounds = { now: NOW, maxFutureMs: 300_000, maxAgeMs: 7 * 86_400_000 };
const TS = '2026-11-28T08:59:00Z';

/** Admits every site but two: site-kt-01 (another operator's) and nowhere-01 (not in the registry). */
function refusingAdmission(): jest.Mock<RecordError | undefined, Parameters<SiteAdmission>> {
  return jest.fn((siteId: string, path: string): RecordError | undefined => {
    if (siteId === 'site-kt-01') return { path, code: 'SITE_NOT_OWNED', message: `site "${siteId}" belongs to another operator` };
    if (siteId === 'nowhere-01') return { path, code: 'UNKNOWN_SITE', message: `site "${siteId}" is not in the pilot registry` };
    return undefined;
  });
}

const cell = (siteId: string, extra: Record<string, unknown> = {}) => ({ type: 'cell', siteId, cellId: 'c1', ts: TS, intervalMs: 60_000, prbDlPct: 40, ...extra });
const heartbeat = (siteId: string, extra: Record<string, unknown> = {}) => ({ type: 'heartbeat', siteId, ts: TS, ...extra });
const gpu = (device: string, extra: Record<string, unknown> = {}) => ({ type: 'gpu', siteId: 'site-muc-01', node: 'aerial-01', device, ts: TS, ...extra });

describe('parseNativeRecords', () => {
  it('groups valid records by site and rejects bad ones (no admission given)', () => {
    const records = [cell('site-muc-01'), heartbeat('site-muc-01'), cell('site-kt-01', { prbDlPct: 101 })];
    const result = parseNativeRecords(records, bounds);
    expect(result).toEqual({
      sites: [{ siteId: 'site-muc-01', cells: [{ cellId: 'c1', ts: Date.parse(TS), intervalMs: 60_000, prbDlPct: 40 }], gpus: [], heartbeats: [Date.parse(TS)] }],
      rejected: [{ index: 2, siteId: 'site-kt-01', errors: [{ path: '$.records[2].prbDlPct', code: 'OUT_OF_RANGE', message: 'must be <= 100' }], raw: records[2] }],
      accepted: 2,
    });
    expect(parseNativeRecords(records, bounds, undefined)).toEqual(result);
  });

  describe('GPU temperature (tempC)', () => {
    it('keeps tempC of a GPU record as sent, from -40 to 150 °C', () => {
      const records = [gpu('0', { utilPct: 71, powerW: 312.5, tempC: 67.5 }), gpu('1', { tempC: -40 }), gpu('2', { tempC: 150 }), gpu('3', { tempC: -3 })];
      expect(parseNativeRecords(records, bounds)).toEqual({
        sites: [
          {
            siteId: 'site-muc-01',
            cells: [],
            gpus: [
              { node: 'aerial-01', device: '0', ts: Date.parse(TS), utilPct: 71, powerW: 312.5, tempC: 67.5 },
              { node: 'aerial-01', device: '1', ts: Date.parse(TS), tempC: -40 },
              { node: 'aerial-01', device: '2', ts: Date.parse(TS), tempC: 150 },
              { node: 'aerial-01', device: '3', ts: Date.parse(TS), tempC: -3 },
            ],
            heartbeats: [],
          },
        ],
        rejected: [],
        accepted: 4,
      });
    });

    it.each([
      ['above 150 °C', 150.5, 'OUT_OF_RANGE', 'must be <= 150'],
      ['below -40 °C', -41, 'OUT_OF_RANGE', 'must be >= -40'],
      ['as text', '67', 'INVALID_TYPE', 'must be number'],
    ])('rejects a tempC %s with its code at $.records[i].tempC, keeping the other records', (_what, tempC, code, message) => {
      const records = [gpu('0', { tempC: 60 }), gpu('1', { utilPct: 10, tempC })];
      const result = parseNativeRecords(records, bounds);
      expect(result.accepted).toBe(1);
      expect(result.sites[0].gpus).toEqual([{ node: 'aerial-01', device: '0', ts: Date.parse(TS), tempC: 60 }]);
      expect(result.rejected).toEqual([{ index: 1, siteId: 'site-muc-01', errors: [{ path: '$.records[1].tempC', code, message }], raw: records[1] }]);
    });

    it('does not take tempC on a cell record', () => {
      expect(parseNativeRecords([cell('site-muc-01', { tempC: 60 })], bounds).rejected[0].errors).toEqual([{ path: '$.records[0].tempC', code: 'UNKNOWN_FIELD', message: 'unknown field' }]);
    });
  });

  describe('site admission', () => {
    const records = [
      cell('site-muc-01'),
      cell('site-kt-01'),
      heartbeat('nowhere-01'),
      cell('site-kt-01', { prbDlPct: 101 }), // invalid anyway: its own error, admission not asked
      heartbeat('nowhere-01', { ts: '2026-11-20T08:59:00Z' }), // too old: its own error, admission not asked
      { type: 'gpu', siteId: 'site-muc-01', node: 'aerial-01', device: '0', ts: TS, utilPct: 71 },
      heartbeat('site-kt-01', { extra: 1 }), // unknown field: its own error
    ];

    it('rejects each record of a refused site with the returned error at $.records[i].siteId, and keeps the others', () => {
      const admitSite = refusingAdmission();
      const result = parseNativeRecords(records, bounds, admitSite);
      expect(result.accepted).toBe(2);
      expect(result.sites).toEqual([
        { siteId: 'site-muc-01', cells: [{ cellId: 'c1', ts: Date.parse(TS), intervalMs: 60_000, prbDlPct: 40 }], gpus: [{ node: 'aerial-01', device: '0', ts: Date.parse(TS), utilPct: 71 }], heartbeats: [] },
      ]);
      expect(result.rejected).toEqual([
        { index: 1, siteId: 'site-kt-01', errors: [{ path: '$.records[1].siteId', code: 'SITE_NOT_OWNED', message: 'site "site-kt-01" belongs to another operator' }], raw: records[1] },
        { index: 2, siteId: 'nowhere-01', errors: [{ path: '$.records[2].siteId', code: 'UNKNOWN_SITE', message: 'site "nowhere-01" is not in the pilot registry' }], raw: records[2] },
        { index: 3, siteId: 'site-kt-01', errors: [{ path: '$.records[3].prbDlPct', code: 'OUT_OF_RANGE', message: 'must be <= 100' }], raw: records[3] },
        { index: 4, siteId: 'nowhere-01', errors: [{ path: '$.records[4].ts', code: 'TIMESTAMP_OUT_OF_RANGE', message: `older than ${bounds.maxAgeMs} ms` }], raw: records[4] },
        { index: 6, siteId: 'site-kt-01', errors: [{ path: '$.records[6].extra', code: 'UNKNOWN_FIELD', message: 'unknown field' }], raw: records[6] },
      ]);
    });

    it('asks only for records that passed the schema and timestamp checks, once each', () => {
      const admitSite = refusingAdmission();
      parseNativeRecords([...records, 'not a record', { type: 'pm', siteId: 'site-kt-01' }], bounds, admitSite);
      expect(admitSite.mock.calls).toEqual([
        ['site-muc-01', '$.records[0].siteId'],
        ['site-kt-01', '$.records[1].siteId'],
        ['nowhere-01', '$.records[2].siteId'],
        ['site-muc-01', '$.records[5].siteId'],
      ]);
    });

    it('accepts everything an admitting callback admits', () => {
      const admitSite = jest.fn(() => undefined);
      const result = parseNativeRecords([cell('site-muc-01'), heartbeat('site-kt-01')], bounds, admitSite);
      expect(result).toMatchObject({ accepted: 2, rejected: [] });
      expect(result.sites.map((s) => s.siteId)).toEqual(['site-muc-01', 'site-kt-01']);
      expect(admitSite).toHaveBeenCalledTimes(2);
    });
  });
});
