import { CELL_RULE, isCellReference, at, DEVICE_PATTERN, DEVICE_RULE, ID_PATTERN, ID_RULE, key, type NameSet, nonFinite, parseDecimal, typeName } from './format-common';
import { checkMetricValue, DCGM_STRING_BLANK, lookupMetric, type MetricDefinition, type MetricDictionary } from './metric-dictionary';
import type { GpuTarget } from './sample-accumulator';
import type { Checker } from './ves.checker';
import {
  VES_DOMAINS,
  type VesDomain,
  VES_GPU_ENTRY_PREFIX,
  VES_HEADER_VERSIONS,
  VES_LISTENER_VERSIONS,
  VES_MAX_MEASUREMENT_INTERVAL_S,
  VES_PRIORITIES,
  VES_SEVERITIES,
  VES_SHAPES,
  type VesSeverity,
  VES_SUPPORTED_DOMAINS,
  VES_VF_STATUSES,
} from './ves.constants';
import type { VesFault } from './ves.parser';

/**
 * The VES 7.x event schema as airan checks it: the fields allowed in the header and in each domain block
 * it reads, and the checks of those blocks. Each check appends its errors, with JSON paths, to the
 * `Checker` and returns what the parser needs from a valid block.
 */

const HEADER_REQUIRED = ['domain', 'eventId', 'eventName', 'lastEpochMicrosec', 'priority', 'reportingEntityName', 'sequence', 'sourceName', 'startEpochMicrosec', 'version', 'vesEventListenerVersion'];
const HEADER_OPTIONAL_STRINGS = ['eventType', 'nfcNamingCode', 'nfNamingCode', 'nfVendorName', 'reportingEntityId', 'sourceId', 'stndDefinedNamespace', 'timeZoneOffset'];
const HEADER_KEYS = new Set([...HEADER_REQUIRED, ...HEADER_OPTIONAL_STRINGS, 'internalHeaderFields']);

/** The domain block of every VES domain (an event may carry only its own). */
export const BLOCK_OF: Record<VesDomain, string> = {
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
export const EVENT_KEYS = new Set(['commonEventHeader', ...Object.values(BLOCK_OF)]);

/** The measurementFields properties airan reads; the schema's others are checked against `VES_SHAPES` and not read. */
/** The measurementFields keys airan reads (the parser dead-letters the others' content as UNMAPPED). */
export const VES_MEASUREMENT_READ_KEYS: ReadonlySet<string> = new Set(['measurementInterval', 'measurementFieldsVersion', 'additionalFields', 'additionalMeasurements']);
const MEASUREMENT_PROPERTIES = VES_SHAPES.measurementFields.properties;
/** The blocks airan checks: those of the domains it ingests. */
const CHECKED_BLOCK_NAMES = VES_SUPPORTED_DOMAINS.map((d) => BLOCK_OF[d]);
const CHECKED_BLOCKS = new Set(CHECKED_BLOCK_NAMES);
const HEARTBEAT_KEYS = new Set(['heartbeatFieldsVersion', 'heartbeatInterval', 'additionalFields']);
const FAULT_KEYS = new Set(['alarmCondition', 'eventSeverity', 'eventSourceType', 'faultFieldsVersion', 'specificProblem', 'vfStatus', 'alarmAdditionalInformation', 'alarmInterfaceA', 'eventCategory']);

/**
 * The keys of an event besides its header. Besides its own domain's block, an event may carry the block
 * of another domain airan ingests (the schema allows any block on any event): that block is checked
 * against the schema and not read. Blocks of the other domains are refused: airan does not check them.
 */
export function checkEventKeys(check: Checker, event: Record<string, unknown>, path: string, domain: VesDomain | undefined): void {
  const block = domain ? BLOCK_OF[domain] : undefined;
  for (const [k, v] of Object.entries(event)) {
    if (k === 'commonEventHeader' || k === block || v === undefined) continue;
    const blockPath = key(path, k);
    if (!EVENT_KEYS.has(k)) check.error(blockPath, 'UNKNOWN_FIELD', 'unknown field');
    else if (!block) continue; // no valid domain: the header's errors reject the event
    else if (!CHECKED_BLOCKS.has(k)) check.error(blockPath, 'UNKNOWN_FIELD', `airan does not check ${k}: besides its header an event may carry only ${CHECKED_BLOCK_NAMES.join(', ')}`);
    else if (k === 'measurementFields') check.shape(v, blockPath, { ref: 'measurementFields' }, VES_SHAPES);
    else if (k === 'heartbeatFields') checkHeartbeat(check, v, blockPath);
    else checkFault(check, v, blockPath);
  }
}

export interface Header {
  domain?: VesDomain;
  eventId?: string;
  sourceName?: string;
  sequence?: number;
  lastEpochMicrosec?: number;
  startEpochMicrosec?: number;
}

export function checkHeader(check: Checker, value: unknown, path: string): Header {
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

export interface MeasuredValue {
  readonly definition: MetricDefinition;
  readonly name: string;
  readonly value: number;
  readonly path: string;
}

export interface MeasurementEntry {
  readonly target: { kind: 'cell'; cellId: string } | GpuTarget;
  readonly values: MeasuredValue[];
}

export interface Measurement {
  readonly intervalMs: number;
  readonly intervalPath: string;
  readonly entries: MeasurementEntry[];
}

export function checkMeasurement(check: Checker, value: unknown, path: string, dictionary: MetricDictionary | undefined, ignored: NameSet): Measurement | null {
  if (!check.object(value, path)) return null;
  const m = value as Record<string, unknown>;
  for (const [k, v] of Object.entries(m)) {
    if (VES_MEASUREMENT_READ_KEYS.has(k)) continue;
    if (!Object.hasOwn(MEASUREMENT_PROPERTIES, k)) check.error(key(path, k), 'UNKNOWN_FIELD', 'unknown field');
    else if (v !== undefined) check.shape(v, key(path, k), MEASUREMENT_PROPERTIES[k], VES_SHAPES);
  }
  const intervalPath = `${path}.measurementInterval`;
  const seconds = check.number(m, path, 'measurementInterval', true);
  let intervalMs: number | undefined;
  if (seconds !== undefined) {
    intervalMs = Math.round(seconds * 1000);
    if (intervalMs < 1 || intervalMs > VES_MAX_MEASUREMENT_INTERVAL_S * 1000) {
      check.error(intervalPath, 'OUT_OF_RANGE', `measurementInterval is in seconds and must give 1 ms to ${VES_MAX_MEASUREMENT_INTERVAL_S} s, got ${seconds}`);
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
  if (!isCellReference(name)) {
    check.error(path, 'INVALID_VALUE', `cell id "${name}" ${CELL_RULE} (GPU entries are named ${VES_GPU_ENTRY_PREFIX}<node>/<device>)`);
    return undefined;
  }
  return { kind: 'cell', cellId: name };
}

export function checkHeartbeat(check: Checker, value: unknown, path: string): void {
  if (value === undefined) return; // a header-only heartbeat is valid
  if (!check.object(value, path)) return;
  const h = value as Record<string, unknown>;
  for (const k of Object.keys(h)) if (!HEARTBEAT_KEYS.has(k)) check.error(key(path, k), 'UNKNOWN_FIELD', 'unknown field');
  check.oneOf(h, path, 'heartbeatFieldsVersion', ['3.0'], true);
  check.integer(h, path, 'heartbeatInterval', true);
  check.stringMap(h, path, 'additionalFields');
}

export type FaultFields = Pick<VesFault, 'alarmCondition' | 'eventSeverity' | 'specificProblem' | 'eventSourceType' | 'vfStatus' | 'alarmInterfaceA'>;

export function checkFault(check: Checker, value: unknown, path: string): FaultFields | null {
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
