import { FormatError } from './format-error';
import type { TimeBounds } from './native.parser';
import type { RecordError, SiteAdmission } from './record-error';
import { buildVesRequestError } from './ves-request-error';
import { parseVesEvents } from './ves.parser';

const NOW = Date.parse('2026-11-28T09:00:00Z');
const bounds: TimeBounds = { now: NOW, maxFutureMs: 300_000, maxAgeMs: 7 * 86_400_000 };
const TS = NOW - 60_000;
/** End of the interval in µs; the 999 µs are dropped by the integer division to ms. */
const END_US = TS * 1000 + 999;

type Json = Record<string, unknown>;

function header(overrides: Json = {}): Json {
  return {
    domain: 'measurement',
    eventId: 'pm15-du-muc-01-20261128T0845',
    eventName: 'Measurement_O_RAN_DU_PM15min',
    lastEpochMicrosec: END_US,
    priority: 'Normal',
    reportingEntityName: 'o-du-muc-01-ves-agent',
    sequence: 42,
    sourceName: 'du-muc-01',
    startEpochMicrosec: END_US - 900_000_000,
    version: '4.1',
    vesEventListenerVersion: '7.2.1',
    ...overrides,
  };
}

function measurement(entries: unknown[], fields: Json = {}, headerOverrides: Json = {}): Json {
  return {
    commonEventHeader: header(headerOverrides),
    measurementFields: { measurementInterval: 900, measurementFieldsVersion: '4.0', additionalMeasurements: entries, ...fields },
  };
}

/** A realistic O-RAN O-DU PM event: three NR cells, one GPU, one MIG slice, some counters airan does not map. */
function oranEvent(): Json {
  return {
    commonEventHeader: header({
      eventType: 'O_RAN_COMPONENT_PM15min',
      nfNamingCode: 'ODU',
      nfVendorName: 'ORAN-SC',
      reportingEntityId: 'urn:uuid:8c5f2cf0-6b1a-4a4e-9a2c-3f1f1b9d0c11',
      sourceId: 'urn:uuid:0b3b8c52-7f7e-4a8c-8a55-2f5f2e9c6b01',
      timeZoneOffset: 'UTC+01:00',
    }),
    measurementFields: {
      additionalFields: { siteId: 'site-muc-01', granularityPeriod: '900', measuredEntityDn: 'ManagedElement=du-muc-01,GNBDUFunction=1' },
      measurementInterval: 900,
      measurementFieldsVersion: '4.0',
      additionalMeasurements: [
        {
          name: 'nrcell-muc-01-1',
          hashMap: {
            'RRU.PrbTotDl': '63.5',
            'RRU.PrbTotUl': '21.25',
            'DRB.UEThpDl': '152340',
            'DRB.UEThpUl': '20480.5',
            'RRC.ConnMean': '37.2',
            'RRC.ConnMax': '52',
            'PEE.AvgPower': '812.4',
            'airan.inference.requests': '1200',
            'airan.inference.tokens': '384000',
            'airan.inference.gpu_ms': '95400.5',
            'airan.inference.latency_p95_ms': '41.7',
          },
        },
        { name: 'nrcell-muc-01-2', hashMap: { 'RRU.PrbUsedDl': '137', 'RRU.PrbAvailDl': '273', 'RRU.PrbUsedUl': '0', 'RRU.PrbAvailUl': '0', 'DRB.UEThpDl': '98000', 'RRC.ConnMean': '12' } },
        { name: 'nrcell-muc-01-3', hashMap: { 'RRU.PrbTotDl': '5', 'RRU.PrbUsedDl': '9', 'RRC.ConnMean': '0', 'RRC.ConnMax': '2' } },
        { name: 'gpu:aerial-01/0', hashMap: { DCGM_FI_DEV_GPU_UTIL: '71', DCGM_FI_DEV_FB_USED: '40211', DCGM_FI_DEV_POWER_USAGE: '312.5', 'airan.gpu.radio_share': '0.45', 'airan.gpu.ai_share': '0.4', DCGM_FI_DEV_GPU_TEMP: '64' } },
        { name: 'gpu:aerial-01/1/mig2', hashMap: { DCGM_FI_PROF_GR_ENGINE_ACTIVE: '0.57', DCGM_FI_DEV_FB_USED: '9876' } },
      ],
    },
  };
}

function formatError(fn: () => unknown): FormatError {
  try {
    fn();
  } catch (error) {
    if (error instanceof FormatError) return error;
    throw error;
  }
  throw new Error('expected a FormatError');
}

/** Parses one event on /eventListener/v7 and returns the errors of its rejection. */
function errorsOf(event: unknown): unknown {
  const result = parseVesEvents({ event }, bounds, { batch: false });
  expect(result.accepted).toBe(0);
  expect(result.rejected).toHaveLength(1);
  expect(result.rejected[0].raw).toBe(event);
  return result.rejected[0].errors;
}

const M = '$.event.measurementFields';
const H = '$.event.commonEventHeader';

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
    ['a cell id with a space', 'cell 1', 'cell id "cell 1" must be 1–128 characters of [A-Za-z0-9._:-], starting with a letter or digit (GPU entries are named gpu:<node>/<device>)'],
  ])('rejects %s', (_what, name, message) => {
    expect(errorsOf(measurement([{ name, hashMap: { 'RRU.PrbTotDl': '1' } }]))).toEqual([{ path: `${M}.additionalMeasurements[0].name`, code: 'INVALID_VALUE', message }]);
  });

  it.each([
    ['measurementFieldsVersion 3.0', { measurementFieldsVersion: '3.0' }, [{ path: `${M}.measurementFieldsVersion`, code: 'INVALID_VALUE', message: 'must be one of "4.0"; got "3.0"' }]],
    ['no measurementInterval', { measurementInterval: undefined }, [{ path: `${M}.measurementInterval`, code: 'MISSING_FIELD', message: 'required field is missing' }]],
    ['measurementInterval as text', { measurementInterval: '900' }, [{ path: `${M}.measurementInterval`, code: 'INVALID_TYPE', message: 'must be a number, got string' }]],
    ['measurementInterval 0', { measurementInterval: 0 }, [{ path: `${M}.measurementInterval`, code: 'OUT_OF_RANGE', message: 'measurementInterval is in seconds and must give 1 ms to 3600 s, got 0' }]],
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
    expect(errorsOf({ ...measurement([]), heartbeatFields: { heartbeatFieldsVersion: '3.0', heartbeatInterval: 60 }, extra: 1 })).toEqual([
      { path: '$.event.heartbeatFields', code: 'UNKNOWN_FIELD', message: 'a measurement event carries measurementFields, not heartbeatFields' },
      { path: '$.event.extra', code: 'UNKNOWN_FIELD', message: 'unknown field' },
    ]);
  });
});

describe('parseVesEvents: commonEventHeader', () => {
  it.each([
    ['a missing required field', { eventId: undefined }, [{ path: `${H}.eventId`, code: 'MISSING_FIELD', message: 'required field is missing' }]],
    ['an unknown domain', { domain: 'measurment' }, [{ path: `${H}.domain`, code: 'INVALID_VALUE', message: expect.stringMatching(/^must be one of "fault", "heartbeat", .*; got "measurment"$/) }]],
    ['an unknown priority', { priority: 'Urgent' }, [{ path: `${H}.priority`, code: 'INVALID_VALUE', message: 'must be one of "High", "Medium", "Normal", "Low"; got "Urgent"' }]],
    ['an unknown header version', { version: '3.0' }, [{ path: `${H}.version`, code: 'INVALID_VALUE', message: 'must be one of "4.0", "4.0.1", "4.1"; got "3.0"' }]],
    ['an unknown listener version', { vesEventListenerVersion: '7.3' }, [{ path: `${H}.vesEventListenerVersion`, code: 'INVALID_VALUE', message: 'must be one of "7.0", "7.0.1", "7.1", "7.1.1", "7.2", "7.2.1"; got "7.3"' }]],
    ['a fractional sequence', { sequence: 1.5 }, [{ path: `${H}.sequence`, code: 'INVALID_TYPE', message: 'must be an integer, got 1.5' }]],
    ['a sequence as text', { sequence: '1' }, [{ path: `${H}.sequence`, code: 'INVALID_TYPE', message: 'must be a number, got string' }]],
    ['epoch micros as text', { lastEpochMicrosec: String(END_US) }, [{ path: `${H}.lastEpochMicrosec`, code: 'INVALID_TYPE', message: 'must be a number, got string' }]],
    ['negative epoch micros', { startEpochMicrosec: -1 }, [{ path: `${H}.startEpochMicrosec`, code: 'INVALID_TIMESTAMP', message: 'microseconds since the epoch cannot be negative, got -1' }]],
    ['an unknown header key', { correlationId: 'x' }, [{ path: `${H}.correlationId`, code: 'UNKNOWN_FIELD', message: 'unknown field: commonEventHeader allows only the VES 7.x header fields' }]],
    ['an optional field of the wrong type', { timeZoneOffset: 1 }, [{ path: `${H}.timeZoneOffset`, code: 'INVALID_TYPE', message: 'must be a string, got number' }]],
    ['internalHeaderFields that is not an object', { internalHeaderFields: 'x' }, [{ path: `${H}.internalHeaderFields`, code: 'INVALID_TYPE', message: 'must be an object, got string' }]],
    ['a sourceName that is not a site id', { sourceName: 'du muc 01' }, [{ path: `${H}.sourceName`, code: 'INVALID_VALUE', message: 'siteId "du muc 01" must be 1–128 characters of [A-Za-z0-9._:-], starting with a letter or digit' }]],
    ['a time too far ahead', { lastEpochMicrosec: (NOW + 300_001) * 1000 }, [{ path: `${H}.lastEpochMicrosec`, code: 'TIMESTAMP_OUT_OF_RANGE', message: 'more than 300000 ms ahead of the server clock' }]],
    ['a time too old', { lastEpochMicrosec: (NOW - 7 * 86_400_000 - 1) * 1000 }, [{ path: `${H}.lastEpochMicrosec`, code: 'TIMESTAMP_OUT_OF_RANGE', message: 'older than 604800000 ms' }]],
  ])('rejects %s', (_what, overrides, errors) => {
    expect(errorsOf(measurement([{ name: 'c1', hashMap: { 'RRU.PrbTotDl': '1' } }], {}, overrides))).toEqual(errors);
  });

  it('accepts every optional header field', () => {
    const event = measurement([], {}, { eventType: 't', internalHeaderFields: { collector: 'x' }, nfcNamingCode: 'DUF', nfNamingCode: 'ODU', nfVendorName: 'v', reportingEntityId: 'r', sourceId: 's', stndDefinedNamespace: 'n', timeZoneOffset: 'UTC+00:00' });
    expect(parseVesEvents({ event }, bounds, { batch: false }).accepted).toBe(1);
  });

  it('reports all header problems of an event at once, and a missing header', () => {
    expect(errorsOf(measurement([], {}, { priority: 'x', sequence: 'y' }))).toEqual([
      { path: `${H}.priority`, code: 'INVALID_VALUE', message: 'must be one of "High", "Medium", "Normal", "Low"; got "x"' },
      { path: `${H}.sequence`, code: 'INVALID_TYPE', message: 'must be a number, got string' },
    ]);
    expect(errorsOf({ measurementFields: {} })).toEqual([{ path: H, code: 'MISSING_FIELD', message: 'required field is missing' }]);
  });

  it('accepts a time exactly at the bounds', () => {
    const future = measurement([{ name: 'c1', hashMap: { 'RRU.PrbTotDl': '1' } }], {}, { lastEpochMicrosec: (NOW + 300_000) * 1000 + 999 });
    expect(parseVesEvents({ event: future }, bounds, { batch: false }).accepted).toBe(1);
  });
});

describe('parseVesEvents: heartbeat and fault', () => {
  it('turns heartbeats (header-only or with heartbeatFields) into site heartbeats at lastEpochMicrosec', () => {
    const bare = { commonEventHeader: header({ domain: 'heartbeat', eventName: 'Heartbeat_du', sourceName: 'du-muc-01' }) };
    const full = {
      commonEventHeader: header({ domain: 'heartbeat', eventName: 'Heartbeat_du', lastEpochMicrosec: END_US + 60_000_000 }),
      heartbeatFields: { heartbeatFieldsVersion: '3.0', heartbeatInterval: 60, additionalFields: { siteId: 'site-muc-01' } },
    };
    const result = parseVesEvents({ eventList: [bare, full, bare] }, bounds, { batch: true });
    expect(result).toMatchObject({ accepted: 3, rejected: [], faults: [] });
    expect(result.sites).toEqual([
      { siteId: 'du-muc-01', cells: [], gpus: [], heartbeats: [TS] },
      { siteId: 'site-muc-01', cells: [], gpus: [], heartbeats: [TS + 60_000] },
    ]);
  });

  it.each([
    ['heartbeatFieldsVersion 2.0', { heartbeatFieldsVersion: '2.0', heartbeatInterval: 60 }, [{ path: '$.event.heartbeatFields.heartbeatFieldsVersion', code: 'INVALID_VALUE', message: 'must be one of "3.0"; got "2.0"' }]],
    ['a fractional heartbeatInterval', { heartbeatFieldsVersion: '3.0', heartbeatInterval: 1.5 }, [{ path: '$.event.heartbeatFields.heartbeatInterval', code: 'INVALID_TYPE', message: 'must be an integer, got 1.5' }]],
    ['no heartbeatInterval', { heartbeatFieldsVersion: '3.0' }, [{ path: '$.event.heartbeatFields.heartbeatInterval', code: 'MISSING_FIELD', message: 'required field is missing' }]],
    ['an unknown heartbeat field', { heartbeatFieldsVersion: '3.0', heartbeatInterval: 60, status: 'ok' }, [{ path: '$.event.heartbeatFields.status', code: 'UNKNOWN_FIELD', message: 'unknown field' }]],
  ])('rejects a heartbeat with %s', (_what, heartbeatFields, errors) => {
    expect(errorsOf({ commonEventHeader: header({ domain: 'heartbeat' }), heartbeatFields })).toEqual(errors);
  });

  const faultFields = {
    alarmCondition: 'gpuXidError',
    eventSeverity: 'MAJOR',
    eventSourceType: 'host',
    faultFieldsVersion: '4.0',
    specificProblem: 'GPU 0 reported XID 79: fallen off the bus',
    vfStatus: 'Active',
    alarmInterfaceA: 'gpu0',
    eventCategory: 'hardware',
    alarmAdditionalInformation: { siteId: 'site-muc-01', xid: '79' },
  };

  it('returns a fault as data, not as an error', () => {
    const event = { commonEventHeader: header({ domain: 'fault', eventId: 'fault-aerial-01-gpu0', eventName: 'Fault_gpu', priority: 'High', sequence: 1, sourceName: 'aerial-01' }), faultFields };
    const result = parseVesEvents({ event }, bounds, { batch: false });
    expect(result).toEqual({
      sites: [],
      rejected: [],
      accepted: 1,
      ignoredMetrics: [],
      ignoredRecords: 0,
      faults: [
        {
          index: 0,
          siteId: 'site-muc-01',
          sourceName: 'aerial-01',
          eventId: 'fault-aerial-01-gpu0',
          sequence: 1,
          ts: TS,
          startTs: TS - 900_000,
          alarmCondition: 'gpuXidError',
          eventSeverity: 'MAJOR',
          specificProblem: 'GPU 0 reported XID 79: fallen off the bus',
          eventSourceType: 'host',
          vfStatus: 'Active',
          alarmInterfaceA: 'gpu0',
        },
      ],
    });
  });

  it.each([
    ['no vfStatus', { vfStatus: undefined }, [{ path: '$.event.faultFields.vfStatus', code: 'MISSING_FIELD', message: 'required field is missing' }]],
    ['an unknown severity', { eventSeverity: 'FATAL' }, [{ path: '$.event.faultFields.eventSeverity', code: 'INVALID_VALUE', message: 'must be one of "CRITICAL", "MAJOR", "MINOR", "WARNING", "NORMAL"; got "FATAL"' }]],
    ['faultFieldsVersion 3.0', { faultFieldsVersion: '3.0' }, [{ path: '$.event.faultFields.faultFieldsVersion', code: 'INVALID_VALUE', message: 'must be one of "4.0"; got "3.0"' }]],
    ['an unknown vfStatus', { vfStatus: 'Running' }, [{ path: '$.event.faultFields.vfStatus', code: 'INVALID_VALUE', message: expect.stringContaining('got "Running"') }]],
    ['an unknown fault field', { rootCause: 'x' }, [{ path: '$.event.faultFields.rootCause', code: 'UNKNOWN_FIELD', message: 'unknown field' }]],
  ])('rejects a fault with %s', (_what, overrides, errors) => {
    expect(errorsOf({ commonEventHeader: header({ domain: 'fault' }), faultFields: { ...faultFields, ...overrides } })).toEqual(errors);
  });

  it('rejects a fault event without faultFields', () => {
    expect(errorsOf({ commonEventHeader: header({ domain: 'fault' }) })).toEqual([{ path: '$.event.faultFields', code: 'MISSING_FIELD', message: 'required field is missing' }]);
  });
});

describe('parseVesEvents: whole-request errors', () => {
  it.each([
    ['an array body', [], false, [{ path: '$', code: 'INVALID_TYPE', message: 'expected an object, got array' }]],
    ['a string body', 'event', false, [{ path: '$', code: 'INVALID_TYPE', message: 'expected an object, got string' }]],
    ['no event', {}, false, [{ path: '$.event', code: 'MISSING_FIELD', message: 'required field is missing: the body must be {"event": {...}}' }]],
    [
      'an eventList posted to the single-event endpoint',
      { eventList: [] },
      false,
      [
        { path: '$.event', code: 'MISSING_FIELD', message: 'required field is missing: the body must be {"event": {...}}' },
        { path: '$.eventList', code: 'UNKNOWN_FIELD', message: 'a batch is posted to /eventListener/v7/eventBatch' },
      ],
    ],
    ['a single event posted to eventBatch', { event: {} }, true, [
      { path: '$.eventList', code: 'MISSING_FIELD', message: 'required field is missing: the body must be {"eventList": [...]}' },
      { path: '$.event', code: 'UNKNOWN_FIELD', message: 'a single event is posted to /eventListener/v7' },
    ]],
    ['an eventList that is not an array', { eventList: {} }, true, [{ path: '$.eventList', code: 'INVALID_TYPE', message: 'must be an array of events, got object' }]],
    ['an empty eventList', { eventList: [] }, true, [{ path: '$.eventList', code: 'OUT_OF_RANGE', message: 'must hold at least one event' }]],
    ['an unknown top-level key', { event: {}, meta: 1 }, false, [{ path: '$.meta', code: 'UNKNOWN_FIELD', message: 'unknown field' }]],
  ])('throws MALFORMED_BODY for %s', (_what, body, batch, errors) => {
    const error = formatError(() => parseVesEvents(body, bounds, { batch }));
    expect(error.code).toBe('MALFORMED_BODY');
    expect(error.errors).toEqual(errors);
  });

  it('throws MIXED_DOMAINS naming every event that differs from the first', () => {
    const list = [measurement([]), { commonEventHeader: header({ domain: 'heartbeat' }) }, measurement([]), { commonEventHeader: header({ domain: 'fault' }) }, 'junk'];
    const error = formatError(() => parseVesEvents({ eventList: list }, bounds, { batch: true }));
    expect(error.code).toBe('MIXED_DOMAINS');
    expect(error.message).toBe('all events of a batch must share one domain; found measurement, heartbeat, fault');
    expect(error.errors).toEqual([
      { path: '$.eventList[1].commonEventHeader.domain', code: 'INVALID_VALUE', message: 'domain "heartbeat" differs from "measurement" of $.eventList[0].commonEventHeader.domain: all events of a batch share one domain' },
      { path: '$.eventList[3].commonEventHeader.domain', code: 'INVALID_VALUE', message: 'domain "fault" differs from "measurement" of $.eventList[0].commonEventHeader.domain: all events of a batch share one domain' },
    ]);
  });

  it('throws UNSUPPORTED_DOMAIN for a valid VES domain airan does not ingest', () => {
    const event = { commonEventHeader: header({ domain: 'stateChange' }), stateChangeFields: {} };
    const error = formatError(() => parseVesEvents({ event }, bounds, { batch: false }));
    expect(error.code).toBe('UNSUPPORTED_DOMAIN');
    expect(error.errors).toEqual([{ path: '$.event.commonEventHeader.domain', code: 'INVALID_VALUE', message: 'domain "stateChange" is not supported; use one of measurement, heartbeat, fault' }]);
    const batch = formatError(() => parseVesEvents({ eventList: [{ commonEventHeader: header({ domain: 'syslog' }) }] }, bounds, { batch: true }));
    expect(batch.errors[0].path).toBe('$.eventList[0].commonEventHeader.domain');
  });

  it('rejects, record by record, events that are not objects', () => {
    const result = parseVesEvents({ eventList: [measurement([]), 7] }, bounds, { batch: true });
    expect(result.accepted).toBe(1);
    expect(result.rejected).toEqual([{ index: 1, siteId: null, raw: 7, errors: [{ path: '$.eventList[1]', code: 'INVALID_TYPE', message: 'an event must be an object, got number' }] }]);
  });
});

describe('buildVesRequestError', () => {
  it('builds the VES SVC0002 body with the paths as variables and the field errors', () => {
    const error = formatError(() => parseVesEvents({ eventList: {} }, bounds, { batch: true }));
    expect(buildVesRequestError(error.errors, error.message)).toEqual({
      requestError: {
        ServiceException: { messageId: 'SVC0002', text: 'not a VES eventBatch body: %1', variables: ['$.eventList'] },
      },
      fieldErrors: [{ path: '$.eventList', code: 'INVALID_TYPE', message: 'must be an array of events, got object' }],
    });
  });

  it('carries the event index of rejected records and lists each path once', () => {
    const result = parseVesEvents({ event: measurement([], {}, { priority: 'x', sequence: 'y' }) }, bounds, { batch: false });
    const errors = result.rejected.flatMap((r) => r.errors.map((e) => ({ index: r.index, ...e })));
    expect(buildVesRequestError([...errors, errors[0]])).toEqual({
      requestError: {
        ServiceException: {
          messageId: 'SVC0002',
          text: 'Bad parameter (JSON does not conform to schema): %1, %2',
          variables: ['$.event.commonEventHeader.priority', '$.event.commonEventHeader.sequence'],
        },
      },
      fieldErrors: [
        { index: 0, path: '$.event.commonEventHeader.priority', code: 'INVALID_VALUE', message: 'must be one of "High", "Medium", "Normal", "Low"; got "x"' },
        { index: 0, path: '$.event.commonEventHeader.sequence', code: 'INVALID_TYPE', message: 'must be a number, got string' },
        { index: 0, path: '$.event.commonEventHeader.priority', code: 'INVALID_VALUE', message: 'must be one of "High", "Medium", "Normal", "Low"; got "x"' },
      ],
    });
  });

  it('caps the variables at 20', () => {
    const errors = Array.from({ length: 23 }, (_, i) => ({ path: `$.eventList[${i}]`, code: 'INVALID_TYPE', message: 'x' }));
    const body = buildVesRequestError(errors);
    expect(body.requestError.ServiceException.variables).toHaveLength(20);
    expect(body.requestError.ServiceException.text).toMatch(/%20 \(and 3 more\)$/);
    expect(body.fieldErrors).toHaveLength(23);
  });
});

describe('parseVesEvents: site admission', () => {
  /** Admits every site but two: site-kt-01 (another operator's) and nowhere-01 (not in the registry). */
  function refusingAdmission(): jest.Mock<RecordError | undefined, Parameters<SiteAdmission>> {
    return jest.fn((siteId: string, path: string): RecordError | undefined => {
      if (siteId === 'site-kt-01') return { path, code: 'SITE_NOT_OWNED', message: `site "${siteId}" belongs to another operator` };
      if (siteId === 'nowhere-01') return { path, code: 'UNKNOWN_SITE', message: `site "${siteId}" is not in the pilot registry` };
      return undefined;
    });
  }
  const site = (siteId: string): Json => ({ additionalFields: { siteId } });
  const prb = (value: string): Json => ({ name: 'c1', hashMap: { 'RRU.PrbTotDl': value } });

  const events = [
    measurement([prb('40')], site('site-muc-01')),
    measurement([prb('50')], {}, { sourceName: 'site-kt-01' }), // site from sourceName
    measurement([prb('60')], site('nowhere-01')), // site from additionalFields
    measurement([prb('101')], site('site-kt-01')), // invalid anyway
    measurement([{ name: 'c2', hashMap: { 'RRU.PrbUsedDl': '9' } }], site('nowhere-01')), // PRB half without its pair: invalid on its own
    measurement([{ name: 'c3', hashMap: { 'vendor.temp': '61' } }], {}, { sourceName: 'site-muc-01' }), // valid, only an unknown metric
  ];

  it('rejects a whole event of a refused site with the returned error at the siteId path, and keeps the others', () => {
    const result = parseVesEvents({ eventList: events }, bounds, { batch: true, admitSite: refusingAdmission() });
    expect(result.accepted).toBe(2);
    expect(result.sites).toEqual([{ siteId: 'site-muc-01', cells: [{ cellId: 'c1', ts: TS, intervalMs: 900_000, prbDlPct: 40 }], gpus: [], heartbeats: [] }]);
    expect(result.rejected).toEqual([
      { index: 1, siteId: 'site-kt-01', errors: [{ path: '$.eventList[1].commonEventHeader.sourceName', code: 'SITE_NOT_OWNED', message: 'site "site-kt-01" belongs to another operator' }], raw: events[1] },
      { index: 2, siteId: 'nowhere-01', errors: [{ path: '$.eventList[2].measurementFields.additionalFields.siteId', code: 'UNKNOWN_SITE', message: 'site "nowhere-01" is not in the pilot registry' }], raw: events[2] },
      { index: 3, siteId: 'site-kt-01', errors: [expect.objectContaining({ path: "$.eventList[3].measurementFields.additionalMeasurements[0].hashMap['RRU.PrbTotDl']", code: 'OUT_OF_RANGE' })], raw: events[3] },
      { index: 4, siteId: 'nowhere-01', errors: [expect.objectContaining({ path: "$.eventList[4].measurementFields.additionalMeasurements[0].hashMap['RRU.PrbUsedDl']", code: 'MISSING_FIELD' })], raw: events[4] },
    ]);
  });

  it('asks only for events that are otherwise valid, once each, with the path the siteId came from', () => {
    const admitSite = refusingAdmission();
    parseVesEvents({ eventList: [...events, 7, measurement([prb('x')], site('site-kt-01'))] }, bounds, { batch: true, admitSite });
    expect(admitSite.mock.calls).toEqual([
      ['site-muc-01', '$.eventList[0].measurementFields.additionalFields.siteId'],
      ['site-kt-01', '$.eventList[1].commonEventHeader.sourceName'],
      ['nowhere-01', '$.eventList[2].measurementFields.additionalFields.siteId'],
      ['site-muc-01', '$.eventList[5].commonEventHeader.sourceName'],
    ]);
  });

  it('leaves the result unchanged when every site is admitted', () => {
    const admitSite = jest.fn(() => undefined);
    expect(parseVesEvents({ eventList: events }, bounds, { batch: true, admitSite })).toEqual(parseVesEvents({ eventList: events }, bounds, { batch: true }));
    expect(admitSite).toHaveBeenCalledTimes(4);
  });

  it('rejects a heartbeat of a refused site', () => {
    const event = { commonEventHeader: header({ domain: 'heartbeat' }), heartbeatFields: { heartbeatFieldsVersion: '3.0', heartbeatInterval: 60, additionalFields: { siteId: 'site-kt-01' } } };
    const result = parseVesEvents({ event }, bounds, { batch: false, admitSite: refusingAdmission() });
    expect(result).toMatchObject({ accepted: 0, sites: [] });
    expect(result.rejected).toEqual([
      { index: 0, siteId: 'site-kt-01', errors: [{ path: '$.event.heartbeatFields.additionalFields.siteId', code: 'SITE_NOT_OWNED', message: 'site "site-kt-01" belongs to another operator' }], raw: event },
    ]);
  });

  it('rejects a fault of a refused site instead of returning it, and asks only for valid faults', () => {
    const faultFields = { alarmCondition: 'gpuXidError', eventSeverity: 'MAJOR', eventSourceType: 'host', faultFieldsVersion: '4.0', specificProblem: 'XID 79', vfStatus: 'Active' };
    const fault = (fields: Json, headerOverrides: Json = {}): Json => ({ commonEventHeader: header({ domain: 'fault', ...headerOverrides }), faultFields: { ...faultFields, ...fields } });
    const list = [
      fault({ alarmAdditionalInformation: { siteId: 'site-muc-01' } }),
      fault({ alarmAdditionalInformation: { siteId: 'site-kt-01' } }),
      fault({}, { sourceName: 'nowhere-01' }),
      fault({ eventSeverity: 'FATAL', alarmAdditionalInformation: { siteId: 'site-kt-01' } }),
    ];
    const admitSite = refusingAdmission();
    const result = parseVesEvents({ eventList: list }, bounds, { batch: true, admitSite });
    expect(result.accepted).toBe(1);
    expect(result.faults.map((f) => [f.index, f.siteId])).toEqual([[0, 'site-muc-01']]);
    expect(result.rejected).toEqual([
      { index: 1, siteId: 'site-kt-01', errors: [{ path: '$.eventList[1].faultFields.alarmAdditionalInformation.siteId', code: 'SITE_NOT_OWNED', message: 'site "site-kt-01" belongs to another operator' }], raw: list[1] },
      { index: 2, siteId: 'nowhere-01', errors: [{ path: '$.eventList[2].commonEventHeader.sourceName', code: 'UNKNOWN_SITE', message: 'site "nowhere-01" is not in the pilot registry' }], raw: list[2] },
      { index: 3, siteId: 'site-kt-01', errors: [expect.objectContaining({ path: '$.eventList[3].faultFields.eventSeverity', code: 'INVALID_VALUE' })], raw: list[3] },
    ]);
    expect(admitSite.mock.calls).toEqual([
      ['site-muc-01', '$.eventList[0].faultFields.alarmAdditionalInformation.siteId'],
      ['site-kt-01', '$.eventList[1].faultFields.alarmAdditionalInformation.siteId'],
      ['nowhere-01', '$.eventList[2].commonEventHeader.sourceName'],
    ]);
  });
});
