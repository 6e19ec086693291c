import { CELL_RULE, isCellReference, at, checkTimeBounds, DEVICE_PATTERN, DEVICE_RULE, type FormatParseResult, ID_PATTERN, ID_RULE, isObject, MAX_INTERVAL_MS, NameSet, nonFinite, parseDecimal, typeName } from './format-common';
import { FormatError } from './format-error';
import { checkMetricValue, lookupMetric, type MetricDefinition, type MetricDictionary, resolveUnit, sentinelOf } from './metric-dictionary';
import type { TimeBounds } from './native.parser';
import type { RecordError, RejectedRecord, SiteAdmission } from './record-error';
import { type CellTarget, type Contribution, type GpuTarget, SampleAccumulator } from './sample-accumulator';

/**
 * OTLP/HTTP JSON metrics (`POST /v1/metrics`, an `ExportMetricsServiceRequest`). A record is one data
 * point: `index` counts every element of every `dataPoints` array in document order. Mapping
 * conventions: docs/telemetry-mapping.md.
 */

/** Resource attribute naming the site. Any operator attribute is ignored: the API key decides the operator. */
export const OTLP_SITE_ATTRIBUTE = 'airan.site.id';
/** Data point attribute naming the cell of a cell metric. */
export const OTLP_CELL_ATTRIBUTE = 'airan.cell.id';
/** GPU node: the first of these data point attributes, else the resource attribute `host.name`. */
export const OTLP_NODE_ATTRIBUTES = ['host.name', 'Hostname', 'hostname'] as const;
/** GPU device: the first of these data point attributes. */
export const OTLP_DEVICE_ATTRIBUTES = ['gpu.id', 'gpu'] as const;
/** MIG instance (DCGM label): device becomes `<gpu>/mig<GPU_I_ID>`. */
export const MIG_INSTANCE_ATTRIBUTE = 'GPU_I_ID';
/** Resource attribute declaring the interval (ms) each cell gauge covers: the site's export interval, not on the OTLP wire. */
export const OTLP_INTERVAL_ATTRIBUTE = 'airan.interval_ms';
/** Interval of cell gauges when nothing is declared: the OpenTelemetry SDKs' default export interval (OTEL_METRIC_EXPORT_INTERVAL). */
export const OTLP_DEFAULT_CELL_INTERVAL_MS = 60_000;

/** OTLP DataPointFlags.FLAG_NO_RECORDED_VALUE: the point carries no value and is ignored. */
const FLAG_NO_RECORDED_VALUE = 1;
const METRIC_TYPES = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const;
type MetricType = (typeof METRIC_TYPES)[number];
const NANOS_PER_MS = 1_000_000n;
const MAX_FIXED64 = (1n << 64n) - 1n;

export interface OtlpParseOptions {
  /**
   * Interval of cell points whose resource does not declare `airan.interval_ms` (instead of
   * OTLP_DEFAULT_CELL_INTERVAL_MS); it also counts as declared for delta sums without a start time.
   */
  readonly defaultCellIntervalMs?: number;
  /** Metric dictionary to use instead of the default one. */
  readonly dictionary?: MetricDictionary;
  /**
   * Site admission: called at most once per `resourceMetrics[i]`, when its first data point that would
   * otherwise be accepted (valid, or ignored as unknown metric / no recorded value) is reached, with the
   * site and the path of the attribute value that named it
   * (`$.resourceMetrics[i].resource.attributes[a].value.stringValue` or `….intValue`). If it returns an
   * error, every such point of the resource is rejected with that error (its own index, one-point raw);
   * points that are invalid anyway keep their own errors.
   */
  readonly admitSite?: SiteAdmission;
}

export interface OtlpParseResult extends FormatParseResult {
  readonly ignoredMetrics: string[];
  readonly ignoredRecords: number;
}

/**
 * Parses an OTLP/HTTP JSON metrics request. Throws `FormatError` (MALFORMED_BODY) when the envelope is
 * not an ExportMetricsServiceRequest (body, resourceMetrics, scopeMetrics, metrics, dataPoints of the
 * wrong JSON type, a metric without a name or with two data kinds); every other problem rejects only its
 * data point. Unknown JSON fields are ignored, as OTLP/JSON requires.
 */
export function parseOtlpMetrics(body: unknown, bounds: TimeBounds, options: OtlpParseOptions = {}): OtlpParseResult {
  const { defaultCellIntervalMs, dictionary, admitSite } = options;
  if (defaultCellIntervalMs !== undefined && !(Number.isInteger(defaultCellIntervalMs) && defaultCellIntervalMs >= 1 && defaultCellIntervalMs <= MAX_INTERVAL_MS)) {
    throw new FormatError('INVALID_CONTEXT', 'defaultCellIntervalMs must be an integer from 1 to 3600000', [{ path: 'defaultCellIntervalMs', code: 'OUT_OF_RANGE', message: `got ${defaultCellIntervalMs}` }]);
  }
  if (!isObject(body)) throw new FormatError('MALFORMED_BODY', 'the body must be a JSON ExportMetricsServiceRequest object', [{ path: '$', code: 'INVALID_TYPE', message: `expected an object, got ${typeName(body)}` }]);

  const structural: RecordError[] = [];
  const list = (value: unknown, path: string): unknown[] => {
    if (value === undefined) return [];
    if (Array.isArray(value)) return value;
    structural.push({ path, code: 'INVALID_TYPE', message: `must be an array, got ${typeName(value)}` });
    return [];
  };
  const object = (value: unknown, path: string): value is Record<string, unknown> => {
    if (isObject(value)) return true;
    structural.push({ path, code: 'INVALID_TYPE', message: `must be an object, got ${typeName(value)}` });
    return false;
  };

  const accumulator = new SampleAccumulator();
  const rejected: RejectedRecord[] = [];
  const ignored = new NameSet();
  /** Staged PRB count halves, in case resolving their pair rejects them afterwards. */
  const halves = new Map<number, { siteId: string; raw: () => unknown }>();
  /** Valid points, staged once all are read: a declared interval yields to a delta sum's measured one of the same cell and time. */
  const valid: Array<{ index: number; siteId: string; raw: () => unknown; part: boolean; measured: boolean; contributions: Contribution[] }> = [];
  let ignoredRecords = 0;
  let records = 0;

  list(body.resourceMetrics, '$.resourceMetrics').forEach((rm, i) => {
    const rmPath = at('$.resourceMetrics', i);
    if (!object(rm, rmPath)) return;
    let resourceAttributes: unknown[] = [];
    if (rm.resource !== undefined && object(rm.resource, `${rmPath}.resource`)) resourceAttributes = list(rm.resource.attributes, `${rmPath}.resource.attributes`);
    const resourceAttributesPath = `${rmPath}.resource.attributes`;
    const site = idAttribute(resourceAttributes, resourceAttributesPath, [OTLP_SITE_ATTRIBUTE]);
    const interval = declaredInterval(resourceAttributes, resourceAttributesPath, defaultCellIntervalMs);
    /** Admission of the resource's site: asked lazily, once, for the first point that would be accepted. */
    let admission: { refusal: RecordError | undefined } | undefined;
    const refusal = (): RecordError | undefined => {
      if (!admitSite) return undefined;
      admission ??= { refusal: admitSite(site.value as string, site.path as string) };
      return admission.refusal;
    };
    /** The site is checkable: present, well typed, a valid id (always the case for a valid point). */
    const siteValid = typeof site.value === 'string' && !site.error && ID_PATTERN.test(site.value);

    list(rm.scopeMetrics, `${rmPath}.scopeMetrics`).forEach((sm, j) => {
      const smPath = at(`${rmPath}.scopeMetrics`, j);
      if (!object(sm, smPath)) return;
      list(sm.metrics, `${smPath}.metrics`).forEach((metric, k) => {
        const metricPath = at(`${smPath}.metrics`, k);
        if (!object(metric, metricPath)) return;
        const name = metric.name;
        if (typeof name !== 'string' || name === '') structural.push({ path: `${metricPath}.name`, code: name === undefined ? 'MISSING_FIELD' : 'INVALID_VALUE', message: 'a metric needs a non-empty name' });
        const types = METRIC_TYPES.filter((t) => metric[t] !== undefined);
        if (types.length > 1) structural.push({ path: metricPath, code: 'INVALID_VALUE', message: `a metric has exactly one of ${METRIC_TYPES.join(', ')}; got ${types.join(' and ')}` });
        if (types.length !== 1) return;
        const type = types[0];
        const dataPath = `${metricPath}.${type}`;
        if (!object(metric[type], dataPath)) return;
        const data = metric[type] as Record<string, unknown>;
        list(data.dataPoints, `${dataPath}.dataPoints`).forEach((point, m) => {
          const index = records++;
          if (typeof name !== 'string' || name === '') return;
          const siteId = typeof site.value === 'string' ? site.value : null;
          const definition = lookupMetric(name, dictionary);
          const noValue = isObject(point) && typeof point.flags === 'number' && (point.flags & FLAG_NO_RECORDED_VALUE) !== 0;
          if (!definition || noValue) {
            // Ignored (accepted, nothing to map) — unless its resource names a site the caller refuses.
            const refused = siteValid ? refusal() : undefined;
            if (refused) {
              rejected.push({ index, siteId, errors: [refused], raw: rawPoint(rm, sm, metric, type, point) });
              return;
            }
            if (!definition) ignored.add(name);
            ignoredRecords++;
            return;
          }
          const ctx: PointContext = { index, name, definition, metric, metricPath, type, data, dataPath, pointPath: at(`${dataPath}.dataPoints`, m), site, resourceAttributes, resourceAttributesPath, bounds, interval };
          const outcome = parsePoint(point, ctx);
          // A valid point has a valid site: ask before staging, so a refused point never reaches the accumulator.
          const refused = outcome.errors.length === 0 ? refusal() : undefined;
          const raw = () => rawPoint(rm, sm, metric, type, point);
          if (outcome.errors.length > 0 || refused) rejected.push({ index, siteId, errors: refused ? [refused] : outcome.errors, raw: raw() });
          else valid.push({ index, siteId: siteId as string, raw, part: definition.part !== undefined, measured: outcome.measured, contributions: outcome.contributions });
        });
      });
    });
  });

  if (structural.length > 0) throw new FormatError('MALFORMED_BODY', 'not an OTLP/JSON ExportMetricsServiceRequest', structural);

  const cellKey = (c: Contribution): string => JSON.stringify([c.siteId, c.target.kind === 'cell' ? c.target.cellId : null, c.ts]);
  const measured = new Map<string, Contribution['target']>();
  for (const v of valid) for (const c of v.contributions) if (v.measured && !measured.has(cellKey(c))) measured.set(cellKey(c), c.target);
  for (const v of valid) {
    const contributions = v.measured ? v.contributions : v.contributions.map((c) => (c.target.kind === 'cell' ? { ...c, target: measured.get(cellKey(c)) ?? c.target } : c));
    const errors = accumulator.stage(v.index, contributions);
    if (errors.length > 0) rejected.push({ index: v.index, siteId: v.siteId, errors, raw: v.raw() });
    else if (v.part) halves.set(v.index, { siteId: v.siteId, raw: v.raw });
  }

  for (const [index, errors] of accumulator.resolvePrbParts()) {
    const half = halves.get(index);
    rejected.push({ index, siteId: half?.siteId ?? null, errors, raw: half?.raw() });
  }
  rejected.sort((a, b) => a.index - b.index);
  return { sites: accumulator.build(), rejected, accepted: records - rejected.length, ignoredMetrics: ignored.list(), ignoredRecords };
}

interface PointContext {
  readonly index: number;
  readonly name: string;
  readonly definition: MetricDefinition;
  readonly metric: Record<string, unknown>;
  readonly metricPath: string;
  readonly type: MetricType;
  readonly data: Record<string, unknown>;
  readonly dataPath: string;
  readonly pointPath: string;
  readonly site: AttributeValue;
  readonly resourceAttributes: readonly unknown[];
  readonly resourceAttributesPath: string;
  readonly bounds: TimeBounds;
  readonly interval: DeclaredInterval;
}

/** `measured`: the cell interval is a delta sum's timeUnixNano − startTimeUnixNano, not a declared one. */
function parsePoint(point: unknown, ctx: PointContext): { errors: RecordError[]; contributions: Contribution[]; measured: boolean } {
  const { definition, name, pointPath } = ctx;
  if (!isObject(point)) return { errors: [{ path: pointPath, code: 'INVALID_TYPE', message: `a data point must be an object, got ${typeName(point)}` }], contributions: [], measured: false };
  const errors: RecordError[] = [];

  // Site (resource attribute).
  if (ctx.site.error) errors.push(ctx.site.error);
  else if (ctx.site.value === undefined) errors.push({ path: ctx.resourceAttributesPath, code: 'MISSING_FIELD', message: `resource attribute ${OTLP_SITE_ATTRIBUTE} is required` });

  // Metric kind and temporality.
  if (ctx.type !== 'gauge' && ctx.type !== 'sum') {
    errors.push({ path: ctx.dataPath, code: 'INVALID_TYPE', message: `${name} must be a gauge or a sum, not a ${ctx.type}` });
  } else if (ctx.type === 'sum') {
    const temporality = ctx.data.aggregationTemporality;
    const temporalityPath = `${ctx.dataPath}.aggregationTemporality`;
    if (temporality === undefined) errors.push({ path: temporalityPath, code: 'MISSING_FIELD', message: 'a sum needs aggregationTemporality: 1 (delta) or 2 (cumulative)' });
    else if (temporality !== 1 && temporality !== 2) errors.push({ path: temporalityPath, code: 'INVALID_VALUE', message: `must be the integer 1 (delta) or 2 (cumulative), got ${JSON.stringify(temporality)}` });
    else if (temporality === 2 && definition.kind === 'delta') {
      errors.push({ path: temporalityPath, code: 'CUMULATIVE_NOT_SUPPORTED', message: `${name} is a per-interval amount: send it as a delta sum (aggregationTemporality 1) or a gauge; cumulative sums are not converted` });
    }
  }

  // Unit.
  const unit = ctx.metric.unit;
  let conversion = resolveUnit(definition);
  if (unit !== undefined && typeof unit !== 'string') errors.push({ path: `${ctx.metricPath}.unit`, code: 'INVALID_TYPE', message: `must be a string, got ${typeName(unit)}` });
  else if (typeof unit === 'string') {
    conversion = resolveUnit(definition, unit);
    if (!conversion) errors.push({ path: `${ctx.metricPath}.unit`, code: 'UNIT_MISMATCH', message: `${name} in "${unit}" cannot be converted; accepted: ${Object.keys(definition.units).map((u) => `"${u}"`).join(', ')} (or empty for ${definition.defaultUnit})` });
  }

  // Attributes → entity.
  const attributesPath = `${pointPath}.attributes`;
  let attributes: unknown[] = [];
  if (point.attributes !== undefined) {
    if (Array.isArray(point.attributes)) attributes = point.attributes;
    else errors.push({ path: attributesPath, code: 'INVALID_TYPE', message: `must be an array of {key, value}, got ${typeName(point.attributes)}` });
  }
  let entity: { kind: 'cell'; cellId: string } | GpuTarget | undefined;
  if (definition.target === 'cell') {
    const cell = idAttribute(attributes, attributesPath, [OTLP_CELL_ATTRIBUTE]);
    if (cell.error) errors.push(cell.error);
    else if (cell.value === undefined) errors.push({ path: attributesPath, code: 'MISSING_FIELD', message: `data point attribute ${OTLP_CELL_ATTRIBUTE} is required for cell metric ${name}` });
    else if (!isCellReference(cell.value)) errors.push({ path: cell.path as string, code: 'INVALID_VALUE', message: `cell id "${cell.value}" ${CELL_RULE}` });
    else entity = { kind: 'cell', cellId: cell.value };
  } else {
    let node = idAttribute(attributes, attributesPath, OTLP_NODE_ATTRIBUTES);
    if (!node.error && node.value === undefined) node = idAttribute(ctx.resourceAttributes, ctx.resourceAttributesPath, ['host.name']);
    const gpu = idAttribute(attributes, attributesPath, OTLP_DEVICE_ATTRIBUTES);
    const mig = idAttribute(attributes, attributesPath, [MIG_INSTANCE_ATTRIBUTE]);
    for (const a of [node, gpu, mig]) if (a.error) errors.push(a.error);
    if (!node.error && node.value === undefined) errors.push({ path: attributesPath, code: 'MISSING_FIELD', message: `GPU metric ${name} needs a node: data point attribute ${OTLP_NODE_ATTRIBUTES.join(' or ')}, or resource attribute host.name` });
    if (!gpu.error && gpu.value === undefined) errors.push({ path: attributesPath, code: 'MISSING_FIELD', message: `GPU metric ${name} needs a device: data point attribute ${OTLP_DEVICE_ATTRIBUTES.join(' or ')}` });
    if (node.value !== undefined && gpu.value !== undefined && !mig.error) {
      const device = mig.value !== undefined && mig.value !== '' ? `${gpu.value}/mig${mig.value}` : gpu.value;
      if (!ID_PATTERN.test(node.value)) errors.push({ path: node.path as string, code: 'INVALID_VALUE', message: `node "${node.value}" ${ID_RULE}` });
      else if (!DEVICE_PATTERN.test(device)) errors.push({ path: gpu.path as string, code: 'INVALID_VALUE', message: `device "${device}" ${DEVICE_RULE}` });
      else entity = { kind: 'gpu', node: node.value, device };
    }
  }

  // Time and interval.
  const timePath = `${pointPath}.timeUnixNano`;
  const time = nanos(point.timeUnixNano, timePath);
  let ts: number | undefined;
  if ('error' in time) errors.push(time.error);
  else if (time.ns === null) errors.push({ path: timePath, code: 'MISSING_FIELD', message: 'timeUnixNano is required (decimal string of nanoseconds since the epoch)' });
  else {
    ts = Number(time.ns / NANOS_PER_MS);
    const outOfRange = checkTimeBounds(ts, timePath, ctx.bounds);
    if (outOfRange) errors.push(outOfRange);
  }
  // Interval (cell points): what the site declares for a gauge or a cumulative sum (a point in time, whose start
  // is the series' start), timeUnixNano − startTimeUnixNano for a delta sum (docs/telemetry-mapping.md §5).
  const startPath = `${pointPath}.startTimeUnixNano`;
  const start = nanos(point.startTimeUnixNano, startPath);
  const declared = ctx.interval;
  const delta = ctx.type === 'sum' && ctx.data.aggregationTemporality === 1;
  let interval: { ms: number; path: string } | undefined;
  if ('error' in start) errors.push(start.error);
  else if (definition.target !== 'cell') interval = undefined; // GPU samples have no interval
  else if (declared.error) errors.push(declared.error);
  else if (!delta || (start.ns === null && declared.source !== 'default')) interval = declared;
  else if (start.ns === null) errors.push({ path: startPath, code: 'MISSING_FIELD', message: `a delta sum covers startTimeUnixNano … timeUnixNano: send its start, or declare the interval (resource attribute ${OTLP_INTERVAL_ATTRIBUTE})` });
  else if (!('error' in time) && time.ns !== null) {
    if (start.ns > time.ns) errors.push({ path: startPath, code: 'INVALID_VALUE', message: 'startTimeUnixNano is after timeUnixNano' });
    else {
      const ms = Number((time.ns - start.ns + NANOS_PER_MS / 2n) / NANOS_PER_MS);
      if (ms < 1 || ms > MAX_INTERVAL_MS) errors.push({ path: startPath, code: 'OUT_OF_RANGE', message: `timeUnixNano − startTimeUnixNano must be 1 ms to ${MAX_INTERVAL_MS} ms, got ${ms} ms` });
      else interval = { ms, path: startPath };
    }
  }

  // Value.
  const value = pointValue(point, pointPath, definition, name);
  if ('error' in value) errors.push(value.error);
  let canonical: number | undefined;
  if (!('error' in value) && conversion) {
    const checked = checkMetricValue(definition, value.raw, { conversion, name, text: value.text });
    if (checked.ok) canonical = checked.value;
    else errors.push({ path: value.path, code: checked.code, message: checked.message });
  }

  const measured = interval !== undefined && interval !== declared;
  if (errors.length > 0 || 'error' in value || entity === undefined || ts === undefined || canonical === undefined || typeof ctx.site.value !== 'string') return { errors, contributions: [], measured };
  if (!ID_PATTERN.test(ctx.site.value)) return { errors: [{ path: ctx.site.path as string, code: 'INVALID_VALUE', message: `siteId "${ctx.site.value}" ${ID_RULE}` }], contributions: [], measured };
  const target: CellTarget | GpuTarget = entity.kind === 'cell' ? { kind: 'cell', cellId: entity.cellId, intervalMs: (interval as { ms: number }).ms, intervalPath: (interval as { path: string }).path } : entity;
  return { errors, contributions: [contribution(ctx.site.value, target, ts, definition, name, canonical, value.path)], measured };
}

function contribution(siteId: string, target: CellTarget | GpuTarget, ts: number, d: MetricDefinition, metric: string, value: number, path: string): Contribution {
  return { siteId, target, ts, slot: d.part ? `${d.field}.${d.part.role}` : d.field, value, priority: d.priority, metric, path, counterpart: d.part?.counterpart };
}

interface AttributeValue {
  readonly value?: string;
  readonly path?: string;
  readonly error?: RecordError;
}

/** The first attribute among `names` as an identifier: stringValue, or intValue (decimal string or integer). */
function idAttribute(attributes: readonly unknown[], path: string, names: readonly string[]): AttributeValue {
  for (const name of names) {
    const a = attributes.findIndex((attr) => isObject(attr) && attr.key === name);
    if (a < 0) continue;
    const valuePath = `${at(path, a)}.value`;
    const any = (attributes[a] as Record<string, unknown>).value;
    if (isObject(any)) {
      if (typeof any.stringValue === 'string') return { value: any.stringValue, path: `${valuePath}.stringValue` };
      const int = any.intValue;
      if ((typeof int === 'string' && /^-?\d+$/.test(int)) || (typeof int === 'number' && Number.isInteger(int))) return { value: BigInt(int).toString(), path: `${valuePath}.intValue` };
    }
    return { path: valuePath, error: { path: valuePath, code: 'INVALID_TYPE', message: `attribute ${name} must be a stringValue (or an intValue)` } };
  }
  return {};
}

/** A resource's cell interval: `airan.interval_ms`, else the caller's default, else 60 s; `path`: its origin. An invalid attribute is an `error` for every cell point. */
type DeclaredInterval = { readonly ms: number; readonly path: string; readonly source: 'attribute' | 'option' | 'default'; readonly error?: RecordError };

function declaredInterval(attributes: readonly unknown[], path: string, fallback: number | undefined): DeclaredInterval {
  const a = idAttribute(attributes, path, [OTLP_INTERVAL_ATTRIBUTE]);
  if (a.value === undefined && !a.error) return { ms: fallback ?? OTLP_DEFAULT_CELL_INTERVAL_MS, path, source: fallback === undefined ? 'default' : 'option' };
  const valuePath = a.path as string;
  const fail = (code: RecordError['code'], message: string): DeclaredInterval => ({ ms: 0, path: valuePath, source: 'attribute', error: { path: valuePath, code, message } });
  if (a.value === undefined) return fail('INVALID_TYPE', `resource attribute ${OTLP_INTERVAL_ATTRIBUTE} must be an intValue (or a decimal stringValue) of milliseconds`);
  if (!/^-?\d+$/.test(a.value)) return fail('INVALID_VALUE', `${OTLP_INTERVAL_ATTRIBUTE} must be a whole number of milliseconds, got "${a.value}"`);
  const ms = Number(a.value);
  if (ms < 1 || ms > MAX_INTERVAL_MS) return fail('OUT_OF_RANGE', `${OTLP_INTERVAL_ATTRIBUTE} must be 1 to ${MAX_INTERVAL_MS} ms, got ${a.value}`);
  return { ms, path: valuePath, source: 'attribute' };
}

/** A fixed64 nanosecond timestamp: decimal string (preferred) or JSON integer. `ns: null` when absent or 0 (unset). Never goes through a JS number. */
function nanos(value: unknown, path: string): { ns: bigint | null } | { error: RecordError } {
  if (value === undefined) return { ns: null };
  let ns: bigint;
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) ns = BigInt(value);
  else if (typeof value === 'number' && Number.isInteger(value) && value >= 0) ns = BigInt(value);
  else if (typeof value === 'string' || typeof value === 'number') return { error: { path, code: 'INVALID_TIMESTAMP', message: `must be a decimal string of nanoseconds since the epoch, got ${JSON.stringify(value)}` } };
  else return { error: { path, code: 'INVALID_TYPE', message: `must be a decimal string, got ${typeName(value)}` } };
  if (ns > MAX_FIXED64) return { error: { path, code: 'INVALID_TIMESTAMP', message: 'exceeds the 64-bit range' } };
  return { ns: ns === 0n ? null : ns };
}

/** asDouble (number, or a decimal/NaN/Infinity string as protobuf JSON allows) or asInt (decimal string or JSON integer, parsed as BigInt). */
function pointValue(point: Record<string, unknown>, pointPath: string, definition: MetricDefinition, name: string): { raw: number; path: string; text?: string } | { error: RecordError } {
  const hasDouble = point.asDouble !== undefined;
  const hasInt = point.asInt !== undefined;
  if (!hasDouble && !hasInt) return { error: { path: pointPath, code: 'MISSING_FIELD', message: 'a data point needs asDouble or asInt' } };
  if (hasDouble && hasInt) return { error: { path: pointPath, code: 'INVALID_VALUE', message: 'asDouble and asInt are a oneof: send exactly one' } };
  if (hasDouble) {
    const path = `${pointPath}.asDouble`;
    const v = point.asDouble;
    if (typeof v === 'number') return { raw: v, path };
    if (typeof v === 'string') {
      const parsed = parseDecimal(v);
      if (parsed === 'non-finite') return { raw: nonFinite(v), path, text: v };
      if (parsed !== null) return { raw: parsed, path };
      return { error: { path, code: 'INVALID_VALUE', message: `"${v}" is not a number` } };
    }
    return { error: { path, code: 'INVALID_TYPE', message: `must be a number, got ${typeName(v)}` } };
  }
  const path = `${pointPath}.asInt`;
  const v = point.asInt;
  let big: bigint;
  if (typeof v === 'string' && /^-?\d{1,20}$/.test(v)) big = BigInt(v);
  else if (typeof v === 'number' && Number.isInteger(v)) big = BigInt(v);
  else if (typeof v === 'string') return { error: { path, code: 'INVALID_VALUE', message: `must be a decimal integer string, got "${v}"` } };
  else return { error: { path, code: 'INVALID_TYPE', message: `must be a decimal integer string, got ${typeName(v)}` } };
  const approx = Number(big);
  const sentinel = sentinelOf(definition, approx);
  if (sentinel) return { error: { path, code: 'SENTINEL_VALUE', message: `${name}: ${big} is ${sentinel}, not a reading` } };
  if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER)) return { error: { path, code: 'OUT_OF_RANGE', message: `${big} exceeds ±(2^53 − 1) and cannot be represented exactly` } };
  return { raw: approx, path, text: v.toString() };
}

/** The offending point as a self-contained single-point ExportMetricsServiceRequest (resource, scope and metric kept, other points dropped). */
function rawPoint(rm: Record<string, unknown>, sm: Record<string, unknown>, metric: Record<string, unknown>, type: MetricType, point: unknown): unknown {
  const { scopeMetrics: _s, ...resourceRest } = rm;
  const { metrics: _m, ...scopeRest } = sm;
  const { [type]: data, ...metricRest } = metric;
  const { dataPoints: _d, ...dataRest } = data as Record<string, unknown>;
  return { resourceMetrics: [{ ...resourceRest, scopeMetrics: [{ ...scopeRest, metrics: [{ ...metricRest, [type]: { ...dataRest, dataPoints: [point] } }] }] }] };
}
