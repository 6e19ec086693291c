export { formatError } from './format-error.fixtures';
// Test data and helpers shared by the VES specs (ves.parser.spec.ts, ves.measurement.spec.ts, ves-request-error.spec.ts); not part of the library: index.ts does not export it.
import type { TimeBounds } from './native.parser';
import { parseVesEvents } from './ves.parser';

export const NOW = Date.parse('2026-11-28T09:00:00Z');
export const bounds: TimeBounds = { now: NOW, maxFutureMs: 300_000, maxAgeMs: 7 * 86_400_000 };
export const TS = NOW - 60_000;
/** End of the interval in µs; the 999 µs are dropped by the integer division to ms. */
export const END_US = TS * 1000 + 999;

export type Json = Record<string, unknown>;

export function header(overrides: Json = {}): Json {
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

export function measurement(entries: unknown[], fields: Json = {}, headerOverrides: Json = {}): Json {
  return {
    commonEventHeader: header(headerOverrides),
    measurementFields: { measurementInterval: 900, measurementFieldsVersion: '4.0', additionalMeasurements: entries, ...fields },
  };
}

/** A realistic O-RAN O-DU PM event: three NR cells, one GPU, one MIG slice, some counters airan does not map. */
export function oranEvent(): Json {
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


/** Parses one event on /eventListener/v7 and returns the errors of its rejection. */
export function errorsOf(event: unknown): unknown {
  const result = parseVesEvents({ event }, bounds, { batch: false });
  if (result.accepted !== 0 || result.rejected.length !== 1 || result.rejected[0].raw !== event) {
    throw new Error(`expected the event alone to be rejected, got ${result.accepted} accepted and ${result.rejected.length} rejected`);
  }
  return result.rejected[0].errors;
}

export const M = '$.event.measurementFields';
export const H = '$.event.commonEventHeader';
