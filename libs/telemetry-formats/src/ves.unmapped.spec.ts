import { bounds, header, M, measurement } from './ves.fixtures';
import { parseVesEvents, vesSiteClaims } from './ves.parser';

/** ONAP's VES 7.x measurement example (vIsbc), re-stamped to the test clock: valid VES, nothing airan maps. */
function onapExample() {
  return {
    commonEventHeader: header({
      eventId: '4cfc-91cf-31a46',
      eventName: 'Measurement_vIsbcMmc_Measurement',
      eventType: 'platform',
      nfcNamingCode: 'ssc',
      nfNamingCode: 'vIsbc',
      reportingEntityName: 'ibcx0001vm002oam001',
      sequence: 0,
      sourceName: 'ibcx0001vm002ssc001',
    }),
    measurementFields: {
      additionalMeasurements: [
        { name: 'licenseUsage', hashMap: { G711AudioPort: '1', G729AudioPort: '1', AMRAudioPort: '1' } },
        { name: 'mediaCoreUtilization', hashMap: { actualAvgAudio: '1', modelAvgAudio: '1' } },
      ],
      concurrentSessions: 1,
      configuredEntities: 1,
      cpuUsageArray: [{ cpuIdentifier: 'cpu1', cpuIdle: 99.8, percentUsage: 0.2 }],
      measurementFieldsVersion: '4.0',
      measurementInterval: 60,
      memoryUsageArray: [{ memoryFree: 100, memoryUsed: 100, vmIdentifier: 'vm1' }],
      requestRate: 1,
    },
  };
}

describe('parseVesEvents: content airan does not map', () => {
  it("accepts ONAP's own measurement example and names every part of it airan passed over", () => {
    const event = onapExample();
    const result = parseVesEvents({ event }, bounds, { batch: false });
    const hint = (name: string) => `; entry "${name}" was read as a cell (a GPU entry is named gpu:<node>/<device>)`;
    expect(result).toMatchObject({ accepted: 1, rejected: [], sites: [], ignoredRecords: 1 });
    expect(result.unmapped).toEqual([
      {
        index: 0,
        siteId: 'ibcx0001vm002ssc001',
        raw: event,
        errors: [
          ...['concurrentSessions', 'configuredEntities', 'cpuUsageArray', 'memoryUsageArray', 'requestRate'].map((k) => ({
            path: `${M}.${k}`,
            code: 'UNMAPPED',
            message: `measurementFields.${k} is valid VES but not read: airan maps additionalMeasurements only`,
          })),
          ...['G711AudioPort', 'G729AudioPort', 'AMRAudioPort'].map((m) => ({ path: `${M}.additionalMeasurements[0].hashMap.${m}`, code: 'UNMAPPED', message: `${m} is not in airan's metric dictionary${hint('licenseUsage')}` })),
          ...['actualAvgAudio', 'modelAvgAudio'].map((m) => ({ path: `${M}.additionalMeasurements[1].hashMap.${m}`, code: 'UNMAPPED', message: `${m} is not in airan's metric dictionary${hint('mediaCoreUtilization')}` })),
        ],
      },
    ]);
  });

  it('says how an entry named gpu0 (no gpu: prefix) was read when none of its counters maps', () => {
    const event = measurement([{ name: 'gpu0', hashMap: { utilization: '71' } }]);
    const result = parseVesEvents({ event }, bounds, { batch: false });
    expect(result).toMatchObject({ accepted: 1, rejected: [], sites: [], ignoredRecords: 1 });
    expect(result.unmapped[0].errors).toEqual([
      {
        path: `${M}.additionalMeasurements[0].hashMap.utilization`,
        code: 'UNMAPPED',
        message: `utilization is not in airan's metric dictionary; entry "gpu0" was read as a cell (a GPU entry is named gpu:<node>/<device>)`,
      },
    ]);
  });

  it('reports the unmapped counters of an event that mapped others, without counting it as ignored', () => {
    const event = measurement([{ name: 'c1', hashMap: { 'RRU.PrbTotDl': '40', 'PEE.AvgPower': '812' } }]);
    const result = parseVesEvents({ event }, bounds, { batch: false });
    expect(result).toMatchObject({ accepted: 1, ignoredRecords: 0, ignoredMetrics: ['PEE.AvgPower'] });
    expect(result.sites[0].cells).toEqual([expect.objectContaining({ cellId: 'c1', prbDlPct: 40 })]);
    expect(result.unmapped).toEqual([
      { index: 0, siteId: 'du-muc-01', raw: event, errors: [{ path: `${M}.additionalMeasurements[0].hashMap['PEE.AvgPower']`, code: 'UNMAPPED', message: "PEE.AvgPower is not in airan's metric dictionary" }] },
    ]);
  });

  it('reports an event that carried nothing at all, and leaves fully mapped events, heartbeats and rejected events out', () => {
    const empty = measurement([]);
    const mapped = measurement([{ name: 'c1', hashMap: { 'RRU.PrbTotDl': '40' } }], {}, { eventId: 'mapped' });
    const bad = measurement([{ name: 'c2', hashMap: { 'RRU.PrbTotDl': '140', 'PEE.AvgPower': '1' } }], {}, { eventId: 'bad' });
    const result = parseVesEvents({ eventList: [empty, mapped, bad] }, bounds, { batch: true });
    expect(result).toMatchObject({ accepted: 2, ignoredRecords: 1 });
    expect(result.rejected.map((r) => r.index)).toEqual([2]);
    expect(result.unmapped).toEqual([{ index: 0, siteId: 'du-muc-01', raw: empty, errors: [{ path: '$.eventList[0].measurementFields', code: 'UNMAPPED', message: 'the event carries nothing airan maps to a sample' }] }]);
  });
});

describe('vesSiteClaims', () => {
  it('names the site of every event, valid or not, as the parser resolves it', () => {
    const fault = { commonEventHeader: header({ domain: 'fault', sourceName: 'o-du-1' }), faultFields: { alarmAdditionalInformation: { siteId: 'site-f' } } };
    const body = { eventList: [measurement([], { additionalFields: { siteId: 'site-a' } }, { priority: 'Urgent' }), measurement([]), fault, 42, measurement([], {}, { sourceName: 'not a site' })] };
    expect(vesSiteClaims(body, true)).toEqual([
      { index: 0, siteId: 'site-a', path: '$.eventList[0].measurementFields.additionalFields.siteId' },
      { index: 1, siteId: 'du-muc-01', path: '$.eventList[1].commonEventHeader.sourceName' },
      { index: 2, siteId: 'site-f', path: '$.eventList[2].faultFields.alarmAdditionalInformation.siteId' },
    ]);
    expect(vesSiteClaims({ event: measurement([]) }, false)).toEqual([{ index: 0, siteId: 'du-muc-01', path: '$.event.commonEventHeader.sourceName' }]);
    expect(vesSiteClaims({ eventList: 'x' }, true)).toEqual([]);
  });
});
