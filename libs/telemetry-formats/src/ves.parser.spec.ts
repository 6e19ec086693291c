import type { RecordError, SiteAdmission } from './record-error';
import { bounds, END_US, errorsOf, formatError, H, header, type Json, measurement, NOW, TS } from './ves.fixtures';
import { parseVesEvents } from './ves.parser';

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
      unmapped: [],
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
