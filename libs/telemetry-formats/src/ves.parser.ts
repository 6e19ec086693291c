import {
  at,
  checkTimeBounds,
  DEVICE_PATTERN,
  DEVICE_RULE,
  type FormatParseResult,
  ID_PATTERN,
  ID_RULE,
  isObject,
  key,
  MAX_INTERVAL_MS,
  NameSet,
  nonFinite,
  parseDecimal,
  typeName,
} from './format-common';
import { FormatError } from './format-error';
import { checkMetricValue, DCGM_STRING_BLANK, lookupMetric, type MetricDefinition, type MetricDictionary } from './metric-dictionary';
import type { TimeBounds } from './native.parser';
import type { RecordError, RejectedRecord, SiteAdmission } from './record-error';
import { type CellTarget, type Contribution, type GpuTarget, SampleAccumulator } from './sample-accumulator';

/**
 * VES 7.x (ONAP VES Event Listener, O-RAN O1): `POST /eventListener/v7` (`{"event": {...}}`) and
 * `POST /eventListener/v7/eventBatch` (`{"eventList": [...]}`). A record is one event; an event is
 * accepted or rejected as a whole. Mapping conventions: docs/telemetry-mapping.md.
 */

export const VES_DOMAINS = [
  'fault',
  'heartbeat',
  'measurement',
  'mobileFlow',
  'notification',
  'other',
  'perf3gpp',
  'pnfRegistration',
  'sipSignaling',
  'stateChange',
  'stndDefined',
  'syslog',
  'thresholdCrossingAlert',
  'voiceQuality',
] as const;
export type VesDomain = (typeof VES_DOMAINS)[number];
/** Domains airan ingests; any other valid domain fails the request with UNSUPPORTED_DOMAIN. */
export const VES_SUPPORTED_DOMAINS = ['measurement', 'heartbeat', 'fault'] as const;
export type VesSupportedDomain = (typeof VES_SUPPORTED_DOMAINS)[number];

export const VES_PRIORITIES = ['High', 'Medium', 'Normal', 'Low'] as const;
export const VES_HEADER_VERSIONS = ['4.0', '4.0.1', '4.1'] as const;
export const VES_LISTENER_VERSIONS = ['7.0', '7.0.1', '7.1', '7.1.1', '7.2', '7.2.1'] as const;
export const VES_SEVERITIES = ['CRITICAL', 'MAJOR', 'MINOR', 'WARNING', 'NORMAL'] as const;
export type VesSeverity = (typeof VES_SEVERITIES)[number];
export const VES_VF_STATUSES = ['Active', 'Idle', 'Preparing to terminate', 'Ready to terminate', 'Requesting termination'] as const;

/** A valid fault event, returned as data (not an error, not telemetry): ingest decides what to do with it. */
export interface VesFault {
  /** Index of the event in the request (0 for `/eventListener/v7`). */
  readonly index: number;
  /** `faultFields.alarmAdditionalInformation.siteId` if given, else `commonEventHeader.sourceName`. */
  readonly siteId: string;
  readonly sourceName: string;
  readonly eventId: string;
  readonly sequence: number;
  /** `lastEpochMicrosec` → epoch ms (floor). */
  readonly ts: number;
  /** `startEpochMicrosec` → epoch ms (floor); a clear reuses the raise's `eventId` and start time. */
  readonly startTs: number;
  readonly alarmCondition: string;
  /** `NORMAL` clears the alarm. */
  readonly eventSeverity: VesSeverity;
  readonly specificProblem: string;
  readonly eventSourceType: string;
  readonly vfStatus: string;
  readonly alarmInterfaceA?: string;
}

export interface VesParseOptions {
  /** true for `/eventListener/v7/eventBatch` (`{"eventList": [...]}`), false for `/eventListener/v7` (`{"event": {...}}`). */
  readonly batch: boolean;
  /** Metric dictionary to use instead of the default one. */
  readonly dictionary?: MetricDictionary;
  /**
   * Site admission: called once for each event that is otherwise valid (measurement, heartbeat or
   * fault), with its resolved siteId and the path it came from (`…additionalFields.siteId`,
   * `…alarmAdditionalInformation.siteId`, or `…commonEventHeader.sourceName`). An error it returns
   * rejects the whole event; a refused fault is rejected too and not returned in `faults`.
   */
  readonly admitSite?: SiteAdmission;
}

export interface VesParseResult extends FormatParseResult {
  readonly ignoredMetrics: string[];
  readonly ignoredRecords: number;
  readonly faults: VesFault[];
}

const HEADER_REQUIRED = ['domain', 'eventId', 'eventName', 'lastEpochMicrosec', 'priority', 'reportingEntityName', 'sequence', 'sourceName', 'startEpochMicrosec', 'version', 'vesEventListenerVersion'];
const HEADER_OPTIONAL_STRINGS = ['eventType', 'nfcNamingCode', 'nfNamingCode', 'nfVendorName', 'reportingEntityId', 'sourceId', 'stndDefinedNamespace', 'timeZoneOffset'];
const HEADER_KEYS = new Set([...HEADER_REQUIRED, ...HEADER_OPTIONAL_STRINGS, 'internalHeaderFields']);

/** The domain block of every VES domain (an event may carry only its own). */
const BLOCK_OF: Record<VesDomain, string> = {
  fault: 'faultFields',
  heartbeat: 'heartbeatFields',
  measurement: 'measurementFields',
  mobileFlow: 'mobileFlowFields',
  notification: 'notificationFields',
  other: 'otherFields',
  perf3gpp: 'perf3gppFields',
  pnfRegistration: 'pnfRegistrationFields',
  sipSignaling: 'sipSignalingFields',
  stateChange: 'stateChangeFields',
  stndDefined: 'stndDefinedFields',
  syslog: 'syslogFields',
  thresholdCrossingAlert: 'thresholdCrossingAlertFields',
  voiceQuality: 'voiceQualityFields',
};
const EVENT_KEYS = new Set(['commonEventHeader', ...Object.values(BLOCK_OF)]);

/** measurementFields properties of the VES 7.x schema; airan reads the first four and lets the others through unread. */
const MEASUREMENT_KEYS = new Set([
  'measurementInterval',
  'measurementFieldsVersion',
  'additionalFields',
  'additionalMeasurements',
  'additionalObjects',
  'codecUsageArray',
  'concurrentSessions',
  'configuredEntities',
  'cpuUsageArray',
  'diskUsageArray',
  'featureUsageArray',
  'filesystemUsageArray',
  'hugePagesArray',
  'ipmi',
  'latencyDistribution',
  'loadArray',
  'machineCheckExceptionArray',
  'meanRequestLatency',
  'memoryUsageArray',
  'nfcScalingMetric',
  'nicPerformanceArray',
  'numberOfMediaPortsInUse',
  'processStatsArray',
  'requestRate',
]);
const HEARTBEAT_KEYS = new Set(['heartbeatFieldsVersion', 'heartbeatInterval', 'additionalFields']);
const FAULT_KEYS = new Set(['alarmCondition', 'eventSeverity', 'eventSourceType', 'faultFieldsVersion', 'specificProblem', 'vfStatus', 'alarmAdditionalInformation', 'alarmInterfaceA', 'eventCategory']);

/** Prefix of an `additionalMeasurements[].name` that carries a GPU: `gpu:<node>/<device>`. */
export const VES_GPU_ENTRY_PREFIX = 'gpu:';

/**
 * Parses a VES request body. Throws `FormatError` for whole-request problems (MALFORMED_BODY,
 * MIXED_DOMAINS, UNSUPPORTED_DOMAIN); every other problem rejects only its event.
 */
export function parseVesEvents(body: unknown, bounds: TimeBounds, options: VesParseOptions): VesParseResult {
  const events = envelope(body, options.batch);
  checkDomains(events, options.batch);
  const dictionary = options.dictionary;
  const accumulator = new SampleAccumulator();
  const rejected: RejectedRecord[] = [];
  const faults: VesFault[] = [];
  const ignored = new NameSet();
  events.forEach((raw, index) => {
    const path = options.batch ? at('$.eventList', index) : '$.event';
    const outcome = parseEvent(raw, index, path, bounds, dictionary, ignored);
    let errors = outcome.errors;
    if (errors.length === 0 && outcome.apply && options.admitSite) {
      // Before apply: a refused event's values never reach the accumulator (nor conflict with others).
      const refusal = options.admitSite(outcome.siteId as string, outcome.siteIdPath);
      if (refusal) errors = [refusal];
    }
    if (errors.length === 0 && outcome.apply) errors = outcome.apply(accumulator, faults);
    if (errors.length > 0) rejected.push({ index, siteId: outcome.siteId, errors, raw });
  });
  return { sites: accumulator.build(), rejected, accepted: events.length - rejected.length, ignoredMetrics: ignored.list(), ignoredRecords: 0, faults };
}

function envelope(body: unknown, batch: boolean): unknown[] {
  if (!isObject(body)) throw new FormatError('MALFORMED_BODY', 'the body must be a JSON object', [{ path: '$', code: 'INVALID_TYPE', message: `expected an object, got ${typeName(body)}` }]);
  const expected = batch ? 'eventList' : 'event';
  const errors: RecordError[] = [];
  for (const k of Object.keys(body)) {
    if (k === expected) continue;
    const hint = k === 'event' ? 'a single event is posted to /eventListener/v7' : k === 'eventList' ? 'a batch is posted to /eventListener/v7/eventBatch' : 'unknown field';
    errors.push({ path: key('$', k), code: 'UNKNOWN_FIELD', message: hint });
  }
  const value = body[expected];
  if (value === undefined) errors.unshift({ path: `$.${expected}`, code: 'MISSING_FIELD', message: `required field is missing: the body must be {"${expected}": ${batch ? '[...]' : '{...}'}}` });
  else if (batch && !Array.isArray(value)) errors.unshift({ path: '$.eventList', code: 'INVALID_TYPE', message: `must be an array of events, got ${typeName(value)}` });
  else if (batch && (value as unknown[]).length === 0) errors.unshift({ path: '$.eventList', code: 'OUT_OF_RANGE', message: 'must hold at least one event' });
  if (errors.length > 0) throw new FormatError('MALFORMED_BODY', `not a VES ${batch ? 'eventBatch' : 'event'} body`, errors);
  return batch ? (value as unknown[]) : [value];
}

function checkDomains(events: readonly unknown[], batch: boolean): void {
  const domains = events.map((e) => {
    const header = isObject(e) ? e.commonEventHeader : undefined;
    return isObject(header) && typeof header.domain === 'string' ? header.domain : undefined;
  });
  const firstIndex = domains.findIndex((d) => d !== undefined);
  if (firstIndex < 0) return;
  const first = domains[firstIndex] as string;
  const pathOf = (i: number): string => `${batch ? at('$.eventList', i) : '$.event'}.commonEventHeader.domain`;
  const mixed: RecordError[] = [];
  domains.forEach((d, i) => {
    if (d !== undefined && d !== first) mixed.push({ path: pathOf(i), code: 'INVALID_VALUE', message: `domain "${d}" differs from "${first}" of ${pathOf(firstIndex)}: all events of a batch share one domain` });
  });
  if (mixed.length > 0) {
    const all = [...new Set(domains.filter((d) => d !== undefined))].join(', ');
    throw new FormatError('MIXED_DOMAINS', `all events of a batch must share one domain; found ${all}`, mixed);
  }
  if ((VES_DOMAINS as readonly string[]).includes(first) && !(VES_SUPPORTED_DOMAINS as readonly string[]).includes(first)) {
    throw new FormatError('UNSUPPORTED_DOMAIN', `VES domain "${first}" is not ingested; airan accepts ${VES_SUPPORTED_DOMAINS.join(', ')}`, [
      { path: pathOf(firstIndex), code: 'INVALID_VALUE', message: `domain "${first}" is not supported; use one of ${VES_SUPPORTED_DOMAINS.join(', ')}` },
    ]);
  }
}

interface EventOutcome {
  readonly errors: RecordError[];
  readonly siteId: string | null;
  /** JSON path of the value that gave `siteId` (the override, else `commonEventHeader.sourceName`). */
  readonly siteIdPath: string;
  /**
   * Present only for a valid event (then `siteId` is a valid id): applies it; may still fail
   * (conflicts with events already accepted).
   */
  readonly apply?: (accumulator: SampleAccumulator, faults: VesFault[]) => RecordError[];
}

interface Header {
  domain?: VesDomain;
  eventId?: string;
  sourceName?: string;
  sequence?: number;
  lastEpochMicrosec?: number;
  startEpochMicrosec?: number;
}

function parseEvent(raw: unknown, index: number, path: string, bounds: TimeBounds, dictionary: MetricDictionary | undefined, ignored: NameSet): EventOutcome {
  if (!isObject(raw)) return { errors: [{ path, code: 'INVALID_TYPE', message: `an event must be an object, got ${typeName(raw)}` }], siteId: null, siteIdPath: path };
  const errors: RecordError[] = [];
  const check = new Checker(errors);
  const headerPath = key(path, 'commonEventHeader');
  const header = checkHeader(check, raw.commonEventHeader, headerPath);
  const block = header.domain ? BLOCK_OF[header.domain] : undefined;
  for (const k of Object.keys(raw)) {
    if (k === 'commonEventHeader' || k === block) continue;
    if (block || !EVENT_KEYS.has(k)) check.error(key(path, k), 'UNKNOWN_FIELD', block && EVENT_KEYS.has(k) ? `a ${header.domain} event carries ${block}, not ${k}` : 'unknown field');
  }

  // siteId: the domain block's string map may override sourceName.
  const blockValue = block ? raw[block] : undefined;
  const overrideMap = header.domain === 'fault' ? 'alarmAdditionalInformation' : 'additionalFields';
  const override = isObject(blockValue) && isObject(blockValue[overrideMap]) ? blockValue[overrideMap].siteId : undefined;
  const siteId = typeof override === 'string' ? override : (header.sourceName ?? null);
  const siteIdPath = typeof override === 'string' ? `${key(key(path, block as string), overrideMap)}.siteId` : `${headerPath}.sourceName`;
  if (siteId !== null && !ID_PATTERN.test(siteId)) check.error(siteIdPath, 'INVALID_VALUE', `siteId "${siteId}" ${ID_RULE}`);

  let ts: number | undefined;
  if (header.lastEpochMicrosec !== undefined) {
    ts = Math.floor(header.lastEpochMicrosec / 1000);
    const outOfRange = checkTimeBounds(ts, `${headerPath}.lastEpochMicrosec`, bounds);
    if (outOfRange) errors.push(outOfRange);
  }

  switch (header.domain) {
    case 'measurement': {
      const measurement = checkMeasurement(check, blockValue, key(path, 'measurementFields'), dictionary, ignored);
      if (errors.length > 0 || !measurement) return { errors, siteId, siteIdPath };
      const resolved = resolveMeasurement(index, siteId as string, ts as number, measurement);
      if ('errors' in resolved) return { errors: resolved.errors, siteId, siteIdPath };
      return { errors, siteId, siteIdPath, apply: (accumulator) => accumulator.stage(index, resolved.contributions) };
    }
    case 'heartbeat':
      checkHeartbeat(check, blockValue, key(path, 'heartbeatFields'));
      if (errors.length > 0) return { errors, siteId, siteIdPath };
      return {
        errors,
        siteId,
        siteIdPath,
        apply: (accumulator) => {
          accumulator.heartbeat(siteId as string, ts as number);
          return [];
        },
      };
    case 'fault': {
      const fault = checkFault(check, blockValue, key(path, 'faultFields'));
      if (errors.length > 0 || !fault) return { errors, siteId, siteIdPath };
      const h = header as Required<Header>;
      const value: VesFault = {
        index,
        siteId: siteId as string,
        sourceName: h.sourceName,
        eventId: h.eventId,
        sequence: h.sequence,
        ts: ts as number,
        startTs: Math.floor(h.startEpochMicrosec / 1000),
        ...fault,
      };
      return {
        errors,
        siteId,
        siteIdPath,
        apply: (_accumulator, faults) => {
          faults.push(value);
          return [];
        },
      };
    }
    default:
      // No valid domain: the header errors say why. A valid but unsupported domain was refused for the whole request.
      return { errors, siteId, siteIdPath };
  }
}

function checkHeader(check: Checker, value: unknown, path: string): Header {
  const header: Header = {};
  if (!check.object(value, path)) return header;
  const h = value as Record<string, unknown>;
  for (const k of Object.keys(h)) if (!HEADER_KEYS.has(k)) check.error(key(path, k), 'UNKNOWN_FIELD', 'unknown field: commonEventHeader allows only the VES 7.x header fields');
  header.domain = check.oneOf(h, path, 'domain', VES_DOMAINS, true) as VesDomain | undefined;
  header.eventId = check.string(h, path, 'eventId', true);
  check.string(h, path, 'eventName', true);
  header.lastEpochMicrosec = check.epochMicros(h, path, 'lastEpochMicrosec');
  check.oneOf(h, path, 'priority', VES_PRIORITIES, true);
  check.string(h, path, 'reportingEntityName', true);
  header.sequence = check.integer(h, path, 'sequence', true);
  header.sourceName = check.string(h, path, 'sourceName', true);
  header.startEpochMicrosec = check.epochMicros(h, path, 'startEpochMicrosec');
  check.oneOf(h, path, 'version', VES_HEADER_VERSIONS, true);
  check.oneOf(h, path, 'vesEventListenerVersion', VES_LISTENER_VERSIONS, true);
  for (const k of HEADER_OPTIONAL_STRINGS) check.string(h, path, k, false);
  if (h.internalHeaderFields !== undefined) check.object(h.internalHeaderFields, key(path, 'internalHeaderFields'));
  return header;
}

interface MeasuredValue {
  readonly definition: MetricDefinition;
  readonly name: string;
  readonly value: number;
  readonly path: string;
}

interface MeasurementEntry {
  readonly target: { kind: 'cell'; cellId: string } | GpuTarget;
  readonly values: MeasuredValue[];
}

interface Measurement {
  readonly intervalMs: number;
  readonly intervalPath: string;
  readonly entries: MeasurementEntry[];
}

function checkMeasurement(check: Checker, value: unknown, path: string, dictionary: MetricDictionary | undefined, ignored: NameSet): Measurement | null {
  if (!check.object(value, path)) return null;
  const m = value as Record<string, unknown>;
  for (const k of Object.keys(m)) if (!MEASUREMENT_KEYS.has(k)) check.error(key(path, k), 'UNKNOWN_FIELD', 'unknown field');
  const intervalPath = `${path}.measurementInterval`;
  const seconds = check.number(m, path, 'measurementInterval', true);
  let intervalMs: number | undefined;
  if (seconds !== undefined) {
    intervalMs = Math.round(seconds * 1000);
    if (intervalMs < 1 || intervalMs > MAX_INTERVAL_MS) {
      check.error(intervalPath, 'OUT_OF_RANGE', `measurementInterval is in seconds and must give 1 ms to ${MAX_INTERVAL_MS / 1000} s, got ${seconds}`);
      intervalMs = undefined;
    }
  }
  check.oneOf(m, path, 'measurementFieldsVersion', ['4.0'], true);
  check.stringMap(m, path, 'additionalFields');

  const entries: MeasurementEntry[] = [];
  const listPath = `${path}.additionalMeasurements`;
  const list = m.additionalMeasurements;
  if (list !== undefined && !Array.isArray(list)) check.error(listPath, 'INVALID_TYPE', `must be an array of {name, hashMap}, got ${typeName(list)}`);
  if (Array.isArray(list)) {
    list.forEach((item, j) => {
      const entry = checkEntry(check, item, at(listPath, j), dictionary, ignored);
      if (entry) entries.push(entry);
    });
  }
  return intervalMs === undefined ? null : { intervalMs, intervalPath, entries };
}

function checkEntry(check: Checker, item: unknown, path: string, dictionary: MetricDictionary | undefined, ignored: NameSet): MeasurementEntry | null {
  if (!check.object(item, path)) return null;
  const entry = item as Record<string, unknown>;
  for (const k of Object.keys(entry)) if (k !== 'name' && k !== 'hashMap') check.error(key(path, k), 'UNKNOWN_FIELD', 'unknown field: an additionalMeasurements entry is {name, hashMap}');
  const name = check.string(entry, path, 'name', true);
  const target = name === undefined ? undefined : entryTarget(check, name, `${path}.name`);
  const hashMapPath = `${path}.hashMap`;
  if (!check.object(entry.hashMap, hashMapPath)) return null;
  const values: MeasuredValue[] = [];
  for (const [metric, raw] of Object.entries(entry.hashMap as Record<string, unknown>)) {
    const valuePath = key(hashMapPath, metric);
    if (typeof raw !== 'string') {
      check.error(valuePath, 'INVALID_TYPE', `hashMap values are strings in VES 7.x: send "${String(raw)}", not ${typeName(raw)} ${JSON.stringify(raw)}`);
      continue;
    }
    const definition = lookupMetric(metric, dictionary);
    if (!definition) {
      ignored.add(metric);
      continue;
    }
    if (target && target.kind !== definition.target) {
      check.error(valuePath, 'WRONG_ENTITY', `${metric} is a ${definition.target} metric; "${name}" is a ${target.kind === 'gpu' ? `GPU entry (${VES_GPU_ENTRY_PREFIX}<node>/<device>)` : 'cell entry'}`);
      continue;
    }
    if (DCGM_STRING_BLANK.test(raw)) {
      check.error(valuePath, 'SENTINEL_VALUE', `${metric}: "${raw}" is a DCGM blank value, not a reading`);
      continue;
    }
    const number = parseDecimal(raw);
    if (number === null) {
      check.error(valuePath, 'INVALID_VALUE', `${metric}: "${raw}" is not a decimal number`);
      continue;
    }
    const result = checkMetricValue(definition, number === 'non-finite' ? nonFinite(raw) : number, { name: metric, text: `"${raw}"` });
    if (!result.ok) {
      check.error(valuePath, result.code, result.message);
      continue;
    }
    values.push({ definition, name: metric, value: result.value, path: valuePath });
  }
  return target ? { target, values } : null;
}

function entryTarget(check: Checker, name: string, path: string): MeasurementEntry['target'] | undefined {
  if (name.startsWith(VES_GPU_ENTRY_PREFIX)) {
    const rest = name.slice(VES_GPU_ENTRY_PREFIX.length);
    const slash = rest.indexOf('/');
    const node = slash > 0 ? rest.slice(0, slash) : '';
    const device = slash > 0 ? rest.slice(slash + 1) : '';
    if (!ID_PATTERN.test(node) || !DEVICE_PATTERN.test(device)) {
      check.error(path, 'INVALID_VALUE', `GPU entry "${name}" must be ${VES_GPU_ENTRY_PREFIX}<node>/<device>: node ${ID_RULE}, device ${DEVICE_RULE}`);
      return undefined;
    }
    return { kind: 'gpu', node, device };
  }
  if (!ID_PATTERN.test(name)) {
    check.error(path, 'INVALID_VALUE', `cell id "${name}" ${ID_RULE} (GPU entries are named ${VES_GPU_ENTRY_PREFIX}<node>/<device>)`);
    return undefined;
  }
  return { kind: 'cell', cellId: name };
}

/**
 * Resolves a measurement event on its own (intra-event conflicts, PRB pairs live in one hashMap): its
 * errors reject the event; otherwise the contributions to merge into the request's accumulator.
 */
function resolveMeasurement(index: number, siteId: string, ts: number, m: Measurement): { errors: RecordError[] } | { contributions: Contribution[] } {
  const contributions: Contribution[] = [];
  for (const entry of m.entries) {
    const target: CellTarget | GpuTarget = entry.target.kind === 'cell' ? { kind: 'cell', cellId: entry.target.cellId, intervalMs: m.intervalMs, intervalPath: m.intervalPath } : entry.target;
    for (const v of entry.values) {
      const { definition: d } = v;
      contributions.push({
        siteId,
        target,
        ts,
        slot: d.part ? `${d.field}.${d.part.role}` : d.field,
        value: v.value,
        priority: d.priority,
        metric: v.name,
        path: v.path,
        counterpart: d.part?.counterpart,
      });
    }
  }
  const local = new SampleAccumulator();
  const errors = local.stage(index, contributions);
  if (errors.length > 0) return { errors };
  const partErrors = [...local.resolvePrbParts().values()].flat();
  if (partErrors.length > 0) return { errors: partErrors };
  return { contributions: local.contributions() };
}

function checkHeartbeat(check: Checker, value: unknown, path: string): void {
  if (value === undefined) return; // a header-only heartbeat is valid
  if (!check.object(value, path)) return;
  const h = value as Record<string, unknown>;
  for (const k of Object.keys(h)) if (!HEARTBEAT_KEYS.has(k)) check.error(key(path, k), 'UNKNOWN_FIELD', 'unknown field');
  check.oneOf(h, path, 'heartbeatFieldsVersion', ['3.0'], true);
  check.integer(h, path, 'heartbeatInterval', true);
  check.stringMap(h, path, 'additionalFields');
}

type FaultFields = Pick<VesFault, 'alarmCondition' | 'eventSeverity' | 'specificProblem' | 'eventSourceType' | 'vfStatus' | 'alarmInterfaceA'>;

function checkFault(check: Checker, value: unknown, path: string): FaultFields | null {
  if (!check.object(value, path)) return null;
  const f = value as Record<string, unknown>;
  for (const k of Object.keys(f)) if (!FAULT_KEYS.has(k)) check.error(key(path, k), 'UNKNOWN_FIELD', 'unknown field');
  const alarmCondition = check.string(f, path, 'alarmCondition', true);
  const eventSeverity = check.oneOf(f, path, 'eventSeverity', VES_SEVERITIES, true) as VesSeverity | undefined;
  const eventSourceType = check.string(f, path, 'eventSourceType', true);
  check.oneOf(f, path, 'faultFieldsVersion', ['4.0'], true);
  const specificProblem = check.string(f, path, 'specificProblem', true);
  const vfStatus = check.oneOf(f, path, 'vfStatus', VES_VF_STATUSES, true);
  check.stringMap(f, path, 'alarmAdditionalInformation');
  const alarmInterfaceA = check.string(f, path, 'alarmInterfaceA', false);
  check.string(f, path, 'eventCategory', false);
  if (alarmCondition === undefined || eventSeverity === undefined || eventSourceType === undefined || specificProblem === undefined || vfStatus === undefined) return null;
  return { alarmCondition, eventSeverity, specificProblem, eventSourceType, vfStatus, ...(alarmInterfaceA !== undefined ? { alarmInterfaceA } : {}) };
}

/** Field checks that append RecordErrors with JSON paths and return the value when it is valid. */
class Checker {
  constructor(private readonly errors: RecordError[]) {}

  error(path: string, code: RecordError['code'], message: string): void {
    this.errors.push({ path, code, message });
  }

  /** Reports a missing or non-object value; true if it is an object. */
  object(value: unknown, path: string): boolean {
    if (value === undefined) {
      this.error(path, 'MISSING_FIELD', 'required field is missing');
      return false;
    }
    if (!isObject(value)) {
      this.error(path, 'INVALID_TYPE', `must be an object, got ${typeName(value)}`);
      return false;
    }
    return true;
  }

  private field(obj: Record<string, unknown>, path: string, name: string, required: boolean): unknown {
    const value = obj[name];
    if (value === undefined && required) this.error(key(path, name), 'MISSING_FIELD', 'required field is missing');
    return value;
  }

  string(obj: Record<string, unknown>, path: string, name: string, required: boolean): string | undefined {
    const value = this.field(obj, path, name, required);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      this.error(key(path, name), 'INVALID_TYPE', `must be a string, got ${typeName(value)}`);
      return undefined;
    }
    return value;
  }

  oneOf(obj: Record<string, unknown>, path: string, name: string, allowed: readonly string[], required: boolean): string | undefined {
    const value = this.string(obj, path, name, required);
    if (value === undefined) return undefined;
    if (!allowed.includes(value)) {
      this.error(key(path, name), 'INVALID_VALUE', `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}; got "${value}"`);
      return undefined;
    }
    return value;
  }

  number(obj: Record<string, unknown>, path: string, name: string, required: boolean): number | undefined {
    const value = this.field(obj, path, name, required);
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.error(key(path, name), 'INVALID_TYPE', `must be a number, got ${typeName(value)}`);
      return undefined;
    }
    return value;
  }

  integer(obj: Record<string, unknown>, path: string, name: string, required: boolean): number | undefined {
    const value = this.number(obj, path, name, required);
    if (value !== undefined && !Number.isInteger(value)) {
      this.error(key(path, name), 'INVALID_TYPE', `must be an integer, got ${value}`);
      return undefined;
    }
    return value;
  }

  /** Epoch microseconds: a non-negative number (VES `number`). */
  epochMicros(obj: Record<string, unknown>, path: string, name: string): number | undefined {
    const value = this.number(obj, path, name, true);
    if (value !== undefined && value < 0) {
      this.error(key(path, name), 'INVALID_TIMESTAMP', `microseconds since the epoch cannot be negative, got ${value}`);
      return undefined;
    }
    return value;
  }

  /** An optional VES hashMap: an object whose values are all strings. */
  stringMap(obj: Record<string, unknown>, path: string, name: string): void {
    const value = obj[name];
    if (value === undefined) return;
    const mapPath = key(path, name);
    if (!isObject(value)) {
      this.error(mapPath, 'INVALID_TYPE', `must be an object of strings, got ${typeName(value)}`);
      return;
    }
    for (const [k, v] of Object.entries(value)) if (typeof v !== 'string') this.error(key(mapPath, k), 'INVALID_TYPE', `hashMap values are strings in VES 7.x, got ${typeName(v)}`);
  }
}
