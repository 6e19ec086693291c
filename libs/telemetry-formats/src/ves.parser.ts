import { at, checkTimeBounds, type FormatParseResult, ID_PATTERN, ID_RULE, isObject, key, NameSet, typeName } from './format-common';
import { FormatError } from './format-error';
import { lookupMetric, type MetricDictionary } from './metric-dictionary';
import type { TimeBounds } from './native.parser';
import type { RecordError, RejectedRecord, SiteAdmission } from './record-error';
import { type CellTarget, type Contribution, type GpuTarget, SampleAccumulator } from './sample-accumulator';
import { Checker } from './ves.checker';
import { VES_BODY_RELAY_KEYS, VES_DOMAINS, type VesDomain, VES_GPU_ENTRY_PREFIX, VES_SUPPORTED_DOMAINS, type VesSeverity } from './ves.constants';
import { BLOCK_OF, checkEventKeys, checkFault, checkHeader, checkHeartbeat, checkMeasurement, type Header, type Measurement, VES_MEASUREMENT_READ_KEYS } from './ves.schema';

/**
 * VES 7.x (ONAP VES Event Listener, O-RAN O1): `POST /eventListener/v7` (`{"event": {...}}`) and
 * `POST /eventListener/v7/eventBatch` (`{"eventList": [...]}`). A record is one event; an event is
 * accepted or rejected as a whole. Mapping conventions: docs/telemetry-mapping.md.
 */

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
  /** Accepted measurement events that mapped nothing at all (each is also in `unmapped`). */
  readonly ignoredRecords: number;
  /** Accepted measurement events with content airan does not map, with an `UNMAPPED` error at each path of it. */
  readonly unmapped: RejectedRecord[];
  readonly faults: VesFault[];
}

/** measurementFields properties airan reads; the other VES 7.x ones are valid but not mapped. */
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
  const unmapped: RejectedRecord[] = [];
  const faults: VesFault[] = [];
  const ignored = new NameSet();
  let ignoredRecords = 0;
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
    if (errors.length > 0) {
      rejected.push({ index, siteId: outcome.siteId, errors, raw });
      return;
    }
    if (outcome.mapped === undefined) return;
    const passedOver = unmappedContent(raw as Record<string, unknown>, path, outcome.mapped, dictionary);
    if (outcome.mapped === 0) ignoredRecords++;
    if (passedOver.length > 0) unmapped.push({ index, siteId: outcome.siteId, errors: passedOver, raw });
  });
  return { sites: accumulator.build(), rejected, accepted: events.length - rejected.length, ignoredMetrics: ignored.list(), ignoredRecords, unmapped, faults };
}

/**
 * The site each event names, for deciding ownership before any event is validated: the domain block's
 * `siteId` (`additionalFields`, for faults `alarmAdditionalInformation`) if it is a string, else
 * `commonEventHeader.sourceName`; only names that are valid site ids. Empty for a body that is not a
 * VES envelope (the parser refuses that whole).
 */
export function vesSiteClaims(body: unknown, batch: boolean): Array<{ index: number; siteId: string; path: string }> {
  const events = isObject(body) ? (batch ? body.eventList : [body.event]) : undefined;
  if (!Array.isArray(events)) return [];
  return events.flatMap((raw, index) => {
    const path = batch ? at('$.eventList', index) : '$.event';
    const header = isObject(raw) && isObject(raw.commonEventHeader) ? raw.commonEventHeader : {};
    const domain = (VES_DOMAINS as readonly unknown[]).includes(header.domain) ? (header.domain as VesDomain) : undefined;
    const site = eventSite(raw, path, domain, typeof header.sourceName === 'string' ? header.sourceName : undefined);
    return site.siteId !== null && ID_PATTERN.test(site.siteId) ? [{ index, siteId: site.siteId, path: site.siteIdPath }] : [];
  });
}

/** The site an event names and the path of the value that named it (see vesSiteClaims). */
function eventSite(raw: unknown, path: string, domain: VesDomain | undefined, sourceName: string | undefined): { siteId: string | null; siteIdPath: string } {
  const block = domain ? BLOCK_OF[domain] : undefined;
  const blockValue = block && isObject(raw) ? raw[block] : undefined;
  const overrideMap = domain === 'fault' ? 'alarmAdditionalInformation' : 'additionalFields';
  const override = isObject(blockValue) && isObject(blockValue[overrideMap]) ? blockValue[overrideMap].siteId : undefined;
  if (typeof override === 'string') return { siteId: override, siteIdPath: `${key(key(path, block as string), overrideMap)}.siteId` };
  return { siteId: sourceName ?? null, siteIdPath: `${key(path, 'commonEventHeader')}.sourceName` };
}

/**
 * What an accepted measurement event carried that airan does not map, each as an `UNMAPPED` error at its
 * path: counters the dictionary does not know (with how their entry was read, since an entry named
 * `gpu0` is a cell, not a GPU) and measurementFields blocks airan does not read. An event that mapped
 * nothing at all says so even when it carried nothing else.
 */
function unmappedContent(event: Record<string, unknown>, path: string, mapped: number, dictionary: MetricDictionary | undefined): RecordError[] {
  const blockPath = key(path, 'measurementFields');
  const fields = event.measurementFields as Record<string, unknown>;
  const errors: RecordError[] = [];
  for (const k of Object.keys(fields)) {
    if (!VES_MEASUREMENT_READ_KEYS.has(k)) errors.push({ path: key(blockPath, k), code: 'UNMAPPED', message: `measurementFields.${k} is valid VES but not read: airan maps additionalMeasurements only` });
  }
  const entries = Array.isArray(fields.additionalMeasurements) ? (fields.additionalMeasurements as Array<{ name: string; hashMap: Record<string, string> }>) : [];
  entries.forEach((entry, j) => {
    const entryPath = at(`${blockPath}.additionalMeasurements`, j);
    const metrics = Object.keys(entry.hashMap);
    const unknown = metrics.filter((metric) => !lookupMetric(metric, dictionary));
    const gpu = entry.name.startsWith(VES_GPU_ENTRY_PREFIX);
    // An entry none of whose counters map may be a GPU named without its prefix (`gpu0`): say how it was read.
    const hint = unknown.length === metrics.length && !gpu ? `; entry "${entry.name}" was read as a cell (a GPU entry is named ${VES_GPU_ENTRY_PREFIX}<node>/<device>)` : '';
    for (const metric of unknown) {
      errors.push({ path: key(`${entryPath}.hashMap`, metric), code: 'UNMAPPED', message: `${metric} is not in airan's metric dictionary${hint}` });
    }
  });
  if (mapped === 0 && errors.length === 0) errors.push({ path: blockPath, code: 'UNMAPPED', message: 'the event carries nothing airan maps to a sample' });
  return errors;
}

function envelope(body: unknown, batch: boolean): unknown[] {
  if (!isObject(body)) throw new FormatError('MALFORMED_BODY', 'the body must be a JSON object', [{ path: '$', code: 'INVALID_TYPE', message: `expected an object, got ${typeName(body)}` }]);
  const expected = batch ? 'eventList' : 'event';
  const errors: RecordError[] = [];
  for (const k of Object.keys(body)) {
    if (k === expected || (VES_BODY_RELAY_KEYS as readonly string[]).includes(k)) continue;
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
  /** A valid measurement event only: how many sample fields it maps (0: it carried nothing airan maps). */
  readonly mapped?: number;
}

function parseEvent(raw: unknown, index: number, path: string, bounds: TimeBounds, dictionary: MetricDictionary | undefined, ignored: NameSet): EventOutcome {
  if (!isObject(raw)) return { errors: [{ path, code: 'INVALID_TYPE', message: `an event must be an object, got ${typeName(raw)}` }], siteId: null, siteIdPath: path };
  const errors: RecordError[] = [];
  const check = new Checker(errors);
  const headerPath = key(path, 'commonEventHeader');
  const header = checkHeader(check, raw.commonEventHeader, headerPath);
  const block = header.domain ? BLOCK_OF[header.domain] : undefined;
  checkEventKeys(check, raw, path, header.domain);

  // siteId: the domain block's string map may override sourceName.
  const blockValue = block ? raw[block] : undefined;
  const { siteId, siteIdPath } = eventSite(raw, path, header.domain, header.sourceName);
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
      return { errors, siteId, siteIdPath, mapped: resolved.contributions.length, apply: (accumulator) => accumulator.stage(index, resolved.contributions) };
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
