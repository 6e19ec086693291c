import { bounds, errorsOf, header, type Json, M, measurement, oranEvent, TS } from './ves.fixtures';
import { parseVesEvents } from './ves.parser';

describe('parseVesEvents: measurement', () => {
  it('maps a realistic O-RAN measurement event with several cells and GPUs', () => {
    const event = oranEvent();
    const result = parseVesEvents({ event }, bounds, { batch: false });
    expect(result).toEqual({
      sites: [
        {
          siteId: 'site-muc-01',
          cells: [
            {
              cellId: 'nrcell-muc-01-1',
              ts: TS,
              intervalMs: 900_000,
              prbDlPct: 63.5,
              prbUlPct: 21.25,
              thpDlMbps: 152.34,
              thpUlMbps: 20.4805,
              rrcConnectedUes: 37.2,
              inferenceRequests: 1200,
              inferenceTokens: 384000,
              gpuMs: 95400.5,
              latencyP95Ms: 41.7,
            },
            // 137 / 273 × 100; 0 of 0 UL PRBs gives no UL PRB use.
            { cellId: 'nrcell-muc-01-2', ts: TS, intervalMs: 900_000, prbDlPct: 50.1831501831502, thpDlMbps: 98, rrcConnectedUes: 12 },
            // The direct percent wins over a used count (no available count needed then).
            { cellId: 'nrcell-muc-01-3', ts: TS, intervalMs: 900_000, prbDlPct: 5, rrcConnectedUes: 0 },
          ],
          gpus: [
            { node: 'aerial-01', device: '0', ts: TS, utilPct: 71, radioShare: 0.45, aiShare: 0.4, memUsedMiB: 40211, powerW: 312.5, tempC: 64 },
            { node: 'aerial-01', device: '1/mig2', ts: TS, utilPct: 57, memUsedMiB: 9876 },
          ],
          heartbeats: [],
        },
      ],
      rejected: [],
      accepted: 1,
      ignoredMetrics: ['RRC.ConnMax', 'PEE.AvgPower'],
      ignoredRecords: 0,
      // Accepted, and dead-lettered by ingest as UNMAPPED for the counters it passed over.
      unmapped: [
        {
          index: 0,
          siteId: 'site-muc-01',
          errors: [
            { path: `${M}.additionalMeasurements[0].hashMap['RRC.ConnMax']`, code: 'UNMAPPED', message: "RRC.ConnMax is not in airan's metric dictionary" },
            { path: `${M}.additionalMeasurements[0].hashMap['PEE.AvgPower']`, code: 'UNMAPPED', message: "PEE.AvgPower is not in airan's metric dictionary" },
            { path: `${M}.additionalMeasurements[2].hashMap['RRC.ConnMax']`, code: 'UNMAPPED', message: "RRC.ConnMax is not in airan's metric dictionary" },
          ],
          raw: event,
        },
      ],
      faults: [],
    });
  });

  it('takes the site from sourceName when additionalFields.siteId is absent', () => {
    const result = parseVesEvents({ event: measurement([{ name: 'c1', hashMap: { 'RRU.PrbTotDl': '10' } }]) }, bounds, { batch: false });
    expect(result.sites.map((s) => s.siteId)).toEqual(['du-muc-01']);
  });

  it('accepts a measurement event without additionalMeasurements, and VES fields airan does not read', () => {
    const result = parseVesEvents({ event: measurement([], { additionalMeasurements: undefined, cpuUsageArray: [], requestRate: 23 }) }, bounds, { batch: false });
    expect(result).toMatchObject({ accepted: 1, rejected: [], sites: [] });
  });

  it('groups a batch by site and merges events that report the same cell and time', () => {
    const radio = measurement([{ name: 'c1', hashMap: { 'RRU.PrbTotDl': '40' } }]);
    const ai = measurement([{ name: 'c1', hashMap: { 'airan.inference.requests': '10' } }], {}, { eventId: 'ai-1', reportingEntityName: 'inference-gw' });
    const other = measurement([{ name: 'c9', hashMap: { 'RRU.PrbTotDl': '1' } }], { additionalFields: { siteId: 'site-b' } });
    const result = parseVesEvents({ eventList: [radio, ai, other] }, bounds, { batch: true });
    expect(result.accepted).toBe(3);
    expect(result.sites).toEqual([
      { siteId: 'du-muc-01', cells: [{ cellId: 'c1', ts: TS, intervalMs: 900_000, prbDlPct: 40, inferenceRequests: 10 }], gpus: [], heartbeats: [] },
      { siteId: 'site-b', cells: [{ cellId: 'c9', ts: TS, intervalMs: 900_000, prbDlPct: 1 }], gpus: [], heartbeats: [] },
    ]);
  });

  it('keeps good events of a batch and rejects the bad one with its index, site and raw event', () => {
    const good = measurement([{ name: 'c1', hashMap: { 'RRU.PrbTotDl': '40' } }]);
    const bad = measurement([{ name: 'c2', hashMap: { 'RRU.PrbTotDl': 40 } }]);
    const result = parseVesEvents({ eventList: [good, bad] }, bounds, { batch: true });
    expect(result.accepted).toBe(1);
    expect(result.rejected).toEqual([
      {
        index: 1,
        siteId: 'du-muc-01',
        raw: bad,
        errors: [{ path: "$.eventList[1].measurementFields.additionalMeasurements[0].hashMap['RRU.PrbTotDl']", code: 'INVALID_TYPE', message: 'hashMap values are strings in VES 7.x: send "40", not number 40' }],
      },
    ]);
  });

  it('rejects a batch event that conflicts with an event already accepted', () => {
    const first = measurement([{ name: 'c1', hashMap: { 'RRU.PrbTotDl': '40' } }]);
    const second = measurement([{ name: 'c1', hashMap: { 'RRU.PrbTotDl': '41', 'RRC.ConnMean': '3' } }]);
    const result = parseVesEvents({ eventList: [first, second] }, bounds, { batch: true });
    expect(result.rejected).toEqual([
      {
        index: 1,
        siteId: 'du-muc-01',
        raw: second,
        errors: [
          {
            path: "$.eventList[1].measurementFields.additionalMeasurements[0].hashMap['RRU.PrbTotDl']",
            code: 'CONFLICTING_VALUE',
            message: `RRU.PrbTotDl 41 conflicts with 40 from RRU.PrbTotDl (record 0) for the same cell c1 at ${TS}`,
          },
        ],
      },
    ]);
    // Nothing of the rejected event leaks into the accepted sample.
    expect(result.sites[0].cells).toEqual([{ cellId: 'c1', ts: TS, intervalMs: 900_000, prbDlPct: 40 }]);
  });

  it('rejects a different interval for the same cell and time', () => {
    const first = measurement([{ name: 'c1', hashMap: { 'RRU.PrbTotDl': '40' } }]);
    const second = measurement([{ name: 'c1', hashMap: { 'RRC.ConnMean': '3' } }], { measurementInterval: 60 });
    const result = parseVesEvents({ eventList: [first, second] }, bounds, { batch: true });
    expect(result.rejected[0].errors).toEqual([
      { path: '$.eventList[1].measurementFields.measurementInterval', code: 'CONFLICTING_VALUE', message: `cell c1 at ${TS} already has intervalMs 900000 (record 0), this record says 60000` },
    ]);
  });

  const hm = (i: number, k: string): string => `${M}.additionalMeasurements[${i}].hashMap['${k}']`;
  const threeCells = (third: Json): unknown[] => [
    { name: 'c1', hashMap: { 'RRU.PrbTotDl': '1' } },
    { name: 'c2', hashMap: { 'RRU.PrbTotDl': '2' } },
    { name: 'c3', hashMap: third },
  ];

  it.each([
    ['a JSON number in a hashMap', { 'RRU.PrbTotDl': 63.5 }, [{ path: hm(2, 'RRU.PrbTotDl'), code: 'INVALID_TYPE', message: 'hashMap values are strings in VES 7.x: send "63.5", not number 63.5' }]],
    ['a JSON number for an unknown name', { 'vendor.Counter': 1 }, [{ path: hm(2, 'vendor.Counter'), code: 'INVALID_TYPE', message: 'hashMap values are strings in VES 7.x: send "1", not number 1' }]],
    ['text that is not a number', { 'RRU.PrbTotDl': 'high' }, [{ path: hm(2, 'RRU.PrbTotDl'), code: 'INVALID_VALUE', message: 'RRU.PrbTotDl: "high" is not a decimal number' }]],
    ['NaN', { 'RRU.PrbTotDl': 'NaN' }, [{ path: hm(2, 'RRU.PrbTotDl'), code: 'INVALID_VALUE', message: 'RRU.PrbTotDl: "NaN" is not a measurement (NaN and ±Infinity are rejected)' }]],
    ['Infinity', { 'DRB.UEThpDl': '-Infinity' }, [{ path: hm(2, 'DRB.UEThpDl'), code: 'INVALID_VALUE', message: 'DRB.UEThpDl: "-Infinity" is not a measurement (NaN and ±Infinity are rejected)' }]],
    ['PRB use above 100 %', { 'RRU.PrbTotDl': '100.1' }, [{ path: hm(2, 'RRU.PrbTotDl'), code: 'OUT_OF_RANGE', message: 'RRU.PrbTotDl: prbDlPct 100.1 exceeds 100' }]],
    ['a negative counter', { 'RRC.ConnMean': '-2' }, [{ path: hm(2, 'RRC.ConnMean'), code: 'OUT_OF_RANGE', message: 'RRC.ConnMean: "-2" is negative' }]],
    ['a fractional request count', { 'airan.inference.requests': '2.5' }, [{ path: hm(2, 'airan.inference.requests'), code: 'INVALID_VALUE', message: 'airan.inference.requests: inferenceRequests must be an integer, got 2.5' }]],
    ['PRB used without available', { 'RRU.PrbUsedDl': '12' }, [{ path: hm(2, 'RRU.PrbUsedDl'), code: 'MISSING_FIELD', message: `RRU.PrbUsedDl needs RRU.PrbAvailDl for the same cell and time (c3 at ${TS}) to derive prbDlPct` }]],
    ['PRB used above available', { 'RRU.PrbUsedUl': '300', 'RRU.PrbAvailUl': '273' }, [{ path: hm(2, 'RRU.PrbUsedUl'), code: 'OUT_OF_RANGE', message: 'RRU.PrbUsedUl 300 exceeds RRU.PrbAvailUl 273 (109.89010989011 % > 100)' }]],
    ['PRB used of none available', { 'RRU.PrbUsedUl': '3', 'RRU.PrbAvailUl': '0' }, [{ path: hm(2, 'RRU.PrbUsedUl'), code: 'OUT_OF_RANGE', message: 'RRU.PrbUsedUl 3 but RRU.PrbAvailUl is 0: PRB use cannot be derived' }]],
    ['a GPU counter in a cell entry', { DCGM_FI_DEV_GPU_UTIL: '50' }, [{ path: `${M}.additionalMeasurements[2].hashMap.DCGM_FI_DEV_GPU_UTIL`, code: 'WRONG_ENTITY', message: 'DCGM_FI_DEV_GPU_UTIL is a gpu metric; "c3" is a cell entry' }]],
  ])('rejects %s with its code and path', (_what, third, errors) => {
    expect(errorsOf(measurement(threeCells(third)))).toEqual(errors);
  });

  it.each([
    ['the int64 sentinel', '9223372036854775794', 'DCGM_FI_DEV_POWER_USAGE: "9223372036854775794" is an int64 sentinel (≥ 9.2e18, DCGM_INT64_BLANK family), not a reading'],
    ['DCGM_INT32_NOT_SUPPORTED', '2147483634', 'DCGM_FI_DEV_POWER_USAGE: "2147483634" is DCGM_INT32_NOT_SUPPORTED, not a reading'],
    ['DCGM_FP64_BLANK', '140737488355328', 'DCGM_FI_DEV_POWER_USAGE: "140737488355328" is DCGM_FP64_BLANK, not a reading'],
    ['a DCGM string blank', '<<<NOT_SUPPORTED>>>', 'DCGM_FI_DEV_POWER_USAGE: "<<<NOT_SUPPORTED>>>" is a DCGM blank value, not a reading'],
  ])('rejects %s as SENTINEL_VALUE', (_what, value, message) => {
    const event = measurement([{ name: 'gpu:aerial-01/0', hashMap: { DCGM_FI_DEV_GPU_UTIL: '50', DCGM_FI_DEV_POWER_USAGE: value } }]);
    expect(errorsOf(event)).toEqual([{ path: `${M}.additionalMeasurements[0].hashMap.DCGM_FI_DEV_POWER_USAGE`, code: 'SENTINEL_VALUE', message }]);
  });

  it('maps DCGM_FI_DEV_GPU_TEMP of a GPU entry to tempC, sub-zero readings and the bounds included', () => {
    const event = measurement([
      { name: 'gpu:aerial-01/0', hashMap: { DCGM_FI_DEV_GPU_UTIL: '71', DCGM_FI_DEV_GPU_TEMP: '67.5' } },
      { name: 'gpu:aerial-01/1', hashMap: { DCGM_FI_DEV_GPU_TEMP: '-12' } },
      { name: 'gpu:aerial-01/2', hashMap: { DCGM_FI_DEV_GPU_TEMP: '-40' } },
      { name: 'gpu:aerial-01/3', hashMap: { DCGM_FI_DEV_GPU_TEMP: '1.5e2' } },
    ]);
    const result = parseVesEvents({ event }, bounds, { batch: false });
    expect(result).toMatchObject({ accepted: 1, rejected: [], ignoredMetrics: [] });
    expect(result.sites[0].gpus).toEqual([
      { node: 'aerial-01', device: '0', ts: TS, utilPct: 71, tempC: 67.5 },
      { node: 'aerial-01', device: '1', ts: TS, tempC: -12 },
      { node: 'aerial-01', device: '2', ts: TS, tempC: -40 },
      { node: 'aerial-01', device: '3', ts: TS, tempC: 150 },
    ]);
  });

  it.each([
    ['above 150 °C', '151', 'OUT_OF_RANGE', 'DCGM_FI_DEV_GPU_TEMP: tempC 151 exceeds 150'],
    ['below -40 °C', '-40.5', 'OUT_OF_RANGE', 'DCGM_FI_DEV_GPU_TEMP: tempC -40.5 is below -40'],
    ['a DCGM blank', '2147483632', 'SENTINEL_VALUE', 'DCGM_FI_DEV_GPU_TEMP: "2147483632" is DCGM_INT32_BLANK, not a reading'],
  ])('rejects a GPU temperature %s, and with it the event', (_what, value, code, message) => {
    const event = measurement([{ name: 'gpu:aerial-01/0', hashMap: { DCGM_FI_DEV_GPU_UTIL: '50', DCGM_FI_DEV_GPU_TEMP: value } }]);
    expect(errorsOf(event)).toEqual([{ path: `${M}.additionalMeasurements[0].hashMap.DCGM_FI_DEV_GPU_TEMP`, code, message }]);
  });

  it('rejects a cell counter in a GPU entry', () => {
    const event = measurement([{ name: 'gpu:aerial-01/0', hashMap: { 'RRU.PrbTotDl': '50' } }]);
    expect(errorsOf(event)).toEqual([{ path: hm(0, 'RRU.PrbTotDl'), code: 'WRONG_ENTITY', message: 'RRU.PrbTotDl is a cell metric; "gpu:aerial-01/0" is a GPU entry (gpu:<node>/<device>)' }]);
  });

  it('rejects two entries of the same cell with different values', () => {
    const event = measurement([
      { name: 'c1', hashMap: { 'RRU.PrbTotDl': '10' } },
      { name: 'c1', hashMap: { 'RRU.PrbTotDl': '11' } },
    ]);
    expect(errorsOf(event)).toEqual([{ path: hm(1, 'RRU.PrbTotDl'), code: 'CONFLICTING_VALUE', message: `RRU.PrbTotDl 11 conflicts with 10 from RRU.PrbTotDl (record 0) for the same cell c1 at ${TS}` }]);
  });

  it('lets DCGM_FI_DEV_GPU_UTIL win over DCGM_FI_PROF_GR_ENGINE_ACTIVE for the same GPU', () => {
    const event = measurement([{ name: 'gpu:n1/0', hashMap: { DCGM_FI_PROF_GR_ENGINE_ACTIVE: '0.2', DCGM_FI_DEV_GPU_UTIL: '35' } }]);
    expect(parseVesEvents({ event }, bounds, { batch: false }).sites[0].gpus).toEqual([{ node: 'n1', device: '0', ts: TS, utilPct: 35 }]);
  });

  it.each([
    ['a GPU entry without device', 'gpu:aerial-01', 'GPU entry "gpu:aerial-01" must be gpu:<node>/<device>: node must be 1–128 characters of [A-Za-z0-9._:-], starting with a letter or digit, device must be 1–128 characters of [A-Za-z0-9._:/-], starting with a letter or digit'],
    ['a cell id with a space', 'cell 1', 'cell id "cell 1" must be 1–128 characters of [A-Za-z0-9._:-], starting with a letter or digit, or be a 3GPP distinguished name (Attr=value,Attr=value..., at most 512 characters) (GPU entries are named gpu:<node>/<device>)'],
  ])('rejects %s', (_what, name, message) => {
    expect(errorsOf(measurement([{ name, hashMap: { 'RRU.PrbTotDl': '1' } }]))).toEqual([{ path: `${M}.additionalMeasurements[0].name`, code: 'INVALID_VALUE', message }]);
  });

  it.each([
    ['measurementFieldsVersion 3.0', { measurementFieldsVersion: '3.0' }, [{ path: `${M}.measurementFieldsVersion`, code: 'INVALID_VALUE', message: 'must be one of "4.0"; got "3.0"' }]],
    ['no measurementInterval', { measurementInterval: undefined }, [{ path: `${M}.measurementInterval`, code: 'MISSING_FIELD', message: 'required field is missing' }]],
    ['measurementInterval as text', { measurementInterval: '900' }, [{ path: `${M}.measurementInterval`, code: 'INVALID_TYPE', message: 'must be a number, got string' }]],
    ['measurementInterval 0', { measurementInterval: 0 }, [{ path: `${M}.measurementInterval`, code: 'OUT_OF_RANGE', message: 'measurementInterval is in seconds and must give 1 ms to 86400 s, got 0' }]],
    ['an unknown measurementFields key', { counters: {} }, [{ path: `${M}.counters`, code: 'UNKNOWN_FIELD', message: 'unknown field' }]],
    ['additionalFields with a number', { additionalFields: { siteId: 'site-a', rack: 4 } }, [{ path: `${M}.additionalFields.rack`, code: 'INVALID_TYPE', message: 'hashMap values are strings in VES 7.x, got number' }]],
    ['an invalid siteId override', { additionalFields: { siteId: 'site a' } }, [{ path: `${M}.additionalFields.siteId`, code: 'INVALID_VALUE', message: 'siteId "site a" must be 1–128 characters of [A-Za-z0-9._:-], starting with a letter or digit' }]],
    ['additionalMeasurements as an object', { additionalMeasurements: { c1: {} } }, [{ path: `${M}.additionalMeasurements`, code: 'INVALID_TYPE', message: 'must be an array of {name, hashMap}, got object' }]],
    ['an entry without hashMap', { additionalMeasurements: [{ name: 'c1' }] }, [{ path: `${M}.additionalMeasurements[0].hashMap`, code: 'MISSING_FIELD', message: 'required field is missing' }]],
    ['an entry with an extra key', { additionalMeasurements: [{ name: 'c1', hashMap: {}, unit: '%' }] }, [{ path: `${M}.additionalMeasurements[0].unit`, code: 'UNKNOWN_FIELD', message: 'unknown field: an additionalMeasurements entry is {name, hashMap}' }]],
    ['an entry that is not an object', { additionalMeasurements: ['c1'] }, [{ path: `${M}.additionalMeasurements[0]`, code: 'INVALID_TYPE', message: 'must be an object, got string' }]],
  ])('rejects %s', (_what, fields, errors) => {
    expect(errorsOf(measurement([], fields))).toEqual(errors);
  });

  it('rejects a measurement event without measurementFields, or carrying another domain block', () => {
    expect(errorsOf({ commonEventHeader: header() })).toEqual([{ path: M, code: 'MISSING_FIELD', message: 'required field is missing' }]);
    expect(errorsOf({ ...measurement([]), mobileFlowFields: {}, extra: 1 })).toEqual([
      { path: '$.event.mobileFlowFields', code: 'UNKNOWN_FIELD', message: 'airan does not check mobileFlowFields: besides its header an event may carry only measurementFields, heartbeatFields, faultFields' },
      { path: '$.event.extra', code: 'UNKNOWN_FIELD', message: 'unknown field' },
    ]);
  });
});
