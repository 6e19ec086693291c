import { type CellField, GPU_TEMP_MAX_C, GPU_TEMP_MIN_C, type GpuField } from '@airan/contracts';
import type { RecordErrorCode } from './record-error';

/**
 * The metric dictionary shared by the VES, OTLP and Prometheus parsers: external metric name →
 * canonical `CellSample` / `GpuSample` field, unit conversion and sanity rules. Documented, with the
 * conventions of each format, in docs/telemetry-mapping.md. Names the dictionary does not know are
 * ignored (never an error) and reported in `ignoredMetrics`.
 */

export type CanonicalField = CellField | GpuField;

/** canonical = value × num ÷ den. */
export interface UnitConversion {
  readonly num: number;
  readonly den: number;
}

export interface MetricDefinition {
  readonly name: string;
  readonly source: '3gpp' | 'airan' | 'dcgm';
  readonly target: 'cell' | 'gpu';
  /** The canonical field it fills (for a PRB count pair: the percent field derived from the pair). */
  readonly field: CanonicalField;
  /**
   * PRB count pairs only: this metric is the `used` or `available` half of `field` = used ÷ available × 100;
   * `counterpart` names the other half.
   */
  readonly part?: { readonly role: 'used' | 'available'; readonly counterpart: string };
  /**
   * `gauge`: a level (percent, mean, current value). `delta`: an amount per interval (requests, tokens,
   * GPU-ms): a cumulative OTLP sum or a Prometheus `counter` of it is rejected (CUMULATIVE_NOT_SUPPORTED).
   */
  readonly kind: 'gauge' | 'delta';
  /** When two metrics fill the same field of the same sample, the lower priority number wins. */
  readonly priority: number;
  /** Unit assumed when the format carries none (VES, Prometheus, OTLP with an empty `unit`). */
  readonly defaultUnit: string;
  /** Accepted source units (UCUM, as OTLP `unit`) and their conversion to the canonical unit. */
  readonly units: Readonly<Record<string, UnitConversion>>;
  readonly canonicalUnit: string;
}

const SAME: UnitConversion = { num: 1, den: 1 };

function def(d: Omit<MetricDefinition, 'units' | 'priority'> & { units?: MetricDefinition['units']; priority?: number }): MetricDefinition {
  return { priority: 0, units: { [d.defaultUnit]: SAME }, ...d };
}

const DEFINITIONS: readonly MetricDefinition[] = [
  // 3GPP TS 28.552, per NR cell.
  def({ name: 'RRU.PrbTotDl', source: '3gpp', target: 'cell', field: 'prbDlPct', kind: 'gauge', defaultUnit: '%', canonicalUnit: '%' }),
  def({ name: 'RRU.PrbTotUl', source: '3gpp', target: 'cell', field: 'prbUlPct', kind: 'gauge', defaultUnit: '%', canonicalUnit: '%' }),
  def({ name: 'RRU.PrbUsedDl', source: '3gpp', target: 'cell', field: 'prbDlPct', part: { role: 'used', counterpart: 'RRU.PrbAvailDl' }, kind: 'gauge', priority: 1, defaultUnit: '1', canonicalUnit: 'PRB' }),
  def({ name: 'RRU.PrbAvailDl', source: '3gpp', target: 'cell', field: 'prbDlPct', part: { role: 'available', counterpart: 'RRU.PrbUsedDl' }, kind: 'gauge', priority: 1, defaultUnit: '1', canonicalUnit: 'PRB' }),
  def({ name: 'RRU.PrbUsedUl', source: '3gpp', target: 'cell', field: 'prbUlPct', part: { role: 'used', counterpart: 'RRU.PrbAvailUl' }, kind: 'gauge', priority: 1, defaultUnit: '1', canonicalUnit: 'PRB' }),
  def({ name: 'RRU.PrbAvailUl', source: '3gpp', target: 'cell', field: 'prbUlPct', part: { role: 'available', counterpart: 'RRU.PrbUsedUl' }, kind: 'gauge', priority: 1, defaultUnit: '1', canonicalUnit: 'PRB' }),
  def({ name: 'DRB.UEThpDl', source: '3gpp', target: 'cell', field: 'thpDlMbps', kind: 'gauge', defaultUnit: 'kbit/s', units: { 'kbit/s': { num: 1, den: 1000 }, 'Mbit/s': SAME }, canonicalUnit: 'Mbit/s' }),
  def({ name: 'DRB.UEThpUl', source: '3gpp', target: 'cell', field: 'thpUlMbps', kind: 'gauge', defaultUnit: 'kbit/s', units: { 'kbit/s': { num: 1, den: 1000 }, 'Mbit/s': SAME }, canonicalUnit: 'Mbit/s' }),
  def({ name: 'RRC.ConnMean', source: '3gpp', target: 'cell', field: 'rrcConnectedUes', kind: 'gauge', defaultUnit: '1', canonicalUnit: 'UEs' }),
  // AI inference served to a cell during the interval.
  def({ name: 'airan.inference.requests', source: 'airan', target: 'cell', field: 'inferenceRequests', kind: 'delta', defaultUnit: '1', canonicalUnit: 'requests' }),
  def({ name: 'airan.inference.tokens', source: 'airan', target: 'cell', field: 'inferenceTokens', kind: 'delta', defaultUnit: '1', canonicalUnit: 'tokens' }),
  def({ name: 'airan.inference.gpu_ms', source: 'airan', target: 'cell', field: 'gpuMs', kind: 'delta', defaultUnit: 'ms', canonicalUnit: 'ms' }),
  def({ name: 'airan.inference.latency_p95_ms', source: 'airan', target: 'cell', field: 'latencyP95Ms', kind: 'gauge', defaultUnit: 'ms', canonicalUnit: 'ms' }),
  // NVIDIA DCGM, per GPU device or MIG slice.
  def({ name: 'DCGM_FI_DEV_GPU_UTIL', source: 'dcgm', target: 'gpu', field: 'utilPct', kind: 'gauge', defaultUnit: '%', canonicalUnit: '%' }),
  def({ name: 'DCGM_FI_PROF_GR_ENGINE_ACTIVE', source: 'dcgm', target: 'gpu', field: 'utilPct', kind: 'gauge', priority: 1, defaultUnit: '1', units: { '1': { num: 100, den: 1 } }, canonicalUnit: '%' }),
  def({ name: 'DCGM_FI_DEV_FB_USED', source: 'dcgm', target: 'gpu', field: 'memUsedMiB', kind: 'gauge', defaultUnit: 'MiB', units: { MiB: SAME, MiBy: SAME }, canonicalUnit: 'MiB' }),
  def({ name: 'DCGM_FI_DEV_POWER_USAGE', source: 'dcgm', target: 'gpu', field: 'powerW', kind: 'gauge', defaultUnit: 'W', canonicalUnit: 'W' }),
  // GPU die temperature: a DCGM exporter gauge in °C (UCUM `Cel` as an OTLP unit); may be negative, see FIELD_RULES.
  def({ name: 'DCGM_FI_DEV_GPU_TEMP', source: 'dcgm', target: 'gpu', field: 'tempC', kind: 'gauge', defaultUnit: 'Cel', canonicalUnit: '°C' }),
  // Radio vs AI split of a GPU, as the site reports it.
  def({ name: 'airan.gpu.radio_share', source: 'airan', target: 'gpu', field: 'radioShare', kind: 'gauge', defaultUnit: '1', canonicalUnit: 'ratio 0–1' }),
  def({ name: 'airan.gpu.ai_share', source: 'airan', target: 'gpu', field: 'aiShare', kind: 'gauge', defaultUnit: '1', canonicalUnit: 'ratio 0–1' }),
];

export type MetricDictionary = ReadonlyMap<string, MetricDefinition>;

/** The default dictionary. Pass a modified copy (`new Map([...METRIC_DICTIONARY, [name, def]])`) to a parser to configure a source. */
export const METRIC_DICTIONARY: MetricDictionary = new Map(DEFINITIONS.map((d) => [d.name, d]));

/** Canonical field bounds: `min` defaults to 0 (only a temperature may be negative). */
export const FIELD_RULES: Readonly<Record<CanonicalField, { readonly min?: number; readonly max?: number; readonly integer?: boolean }>> = {
  prbDlPct: { max: 100 },
  prbUlPct: { max: 100 },
  thpDlMbps: {},
  thpUlMbps: {},
  rrcConnectedUes: {},
  inferenceRequests: { integer: true },
  inferenceTokens: { integer: true },
  gpuMs: {},
  latencyP95Ms: {},
  utilPct: { max: 100 },
  radioShare: { max: 1 },
  aiShare: { max: 1 },
  memUsedMiB: {},
  powerW: {},
  tempC: { min: GPU_TEMP_MIN_C, max: GPU_TEMP_MAX_C },
};

const aliasCache = new WeakMap<MetricDictionary, Map<string, MetricDefinition>>();

/** Prometheus-safe alias of a dictionary name: every character outside [a-zA-Z0-9_:] becomes `_` (`RRU.PrbTotDl` → `RRU_PrbTotDl`). */
export function prometheusName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_:]/g, '_');
}

/** Looks a metric up by its exact name, then by its Prometheus-safe alias. */
export function lookupMetric(name: string, dictionary: MetricDictionary = METRIC_DICTIONARY): MetricDefinition | undefined {
  const exact = dictionary.get(name);
  if (exact) return exact;
  let aliases = aliasCache.get(dictionary);
  if (!aliases) {
    aliases = new Map();
    for (const d of dictionary.values()) {
      const alias = prometheusName(d.name);
      if (alias !== d.name && !dictionary.has(alias)) aliases.set(alias, d);
    }
    aliasCache.set(dictionary, aliases);
  }
  return aliases.get(name);
}

/**
 * Resolves a source unit (OTLP `unit`) to a conversion. Empty or absent → the default unit; a UCUM
 * annotation such as `{PRB}` or `{request}` means dimensionless `1`. `undefined` if not convertible.
 */
export function resolveUnit(definition: MetricDefinition, unit?: string): UnitConversion | undefined {
  if (unit === undefined || unit === '') return definition.units[definition.defaultUnit];
  const normalised = /^\{[^{}]*\}$/.test(unit) ? '1' : unit;
  return Object.prototype.hasOwnProperty.call(definition.units, normalised) ? definition.units[normalised] : undefined;
}

// DCGM "blank" values (dcgm_structs.h): BLANK, NOT_FOUND, NOT_SUPPORTED, NOT_PERMISSIONED = base + 0..3.
export const DCGM_INT32_BLANK = 0x7ffffff0; // 2147483632
export const DCGM_FP64_BLANK = 2 ** 47; // 140737488355328
/** 0x7ffffffffffffff0: not representable as a double; as a number it reads 9223372036854775808. */
export const DCGM_INT64_BLANK = 9223372036854775792n;
/** Any metric at or above this is an int64 sentinel (DCGM_INT64_BLANK family, INT64_MAX, …). */
export const INT64_SENTINEL_THRESHOLD = 9.2e18;
/** DCGM string blanks (`<<<NULL>>>`, `<<<NOT_FOUND>>>`, `<<<NOT_SUPPORTED>>>`, `<<<NOT_PERMISSIONED>>>`). */
export const DCGM_STRING_BLANK = /^<<<[A-Z_]+>>>$/;

const BLANK_NAMES = ['BLANK', 'NOT_FOUND', 'NOT_SUPPORTED', 'NOT_PERMISSIONED'];

/** Names the sentinel `raw` is, or null if it is an ordinary value. DCGM metrics: ≥ DCGM_INT32_BLANK; any metric: ≥ 9.2e18. */
export function sentinelOf(definition: MetricDefinition, raw: number): string | null {
  if (raw >= INT64_SENTINEL_THRESHOLD) return 'an int64 sentinel (≥ 9.2e18, DCGM_INT64_BLANK family)';
  if (definition.source !== 'dcgm' || raw < DCGM_INT32_BLANK) return null;
  const blank = (base: number, prefix: string): string | null => {
    const offset = raw - base;
    return Number.isInteger(offset) && offset >= 0 && offset < BLANK_NAMES.length ? `${prefix}_${BLANK_NAMES[offset]}` : null;
  };
  const named = blank(DCGM_INT32_BLANK, 'DCGM_INT32') ?? blank(DCGM_FP64_BLANK, 'DCGM_FP64');
  return named ?? `in the DCGM blank range (≥ DCGM_INT32_BLANK 0x7ffffff0 = ${DCGM_INT32_BLANK})`;
}

export interface CheckOptions {
  /** Source unit conversion (from `resolveUnit`); default: the definition's default unit. */
  readonly conversion?: UnitConversion;
  /** The metric name as the source wrote it, for messages (e.g. a Prometheus-safe alias). */
  readonly name?: string;
  /** The value as the source wrote it, for messages (e.g. `9223372036854775794`, which a double cannot hold). */
  readonly text?: string;
}

export type ValueCheck = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly code: RecordErrorCode; readonly message: string };

/** Removes binary noise of a conversion (0.57 × 100 = 56.99999999999999 → 57). */
function clean(value: number): number {
  return Number(value.toPrecision(15));
}

/**
 * Sanity rules and unit conversion of one value, in this order: NaN/±Infinity → INVALID_VALUE;
 * sentinel → SENTINEL_VALUE; negative (for a field whose minimum is 0) → OUT_OF_RANGE; convert; below
 * the field's minimum or above its maximum → OUT_OF_RANGE; not an integer where one is required →
 * INVALID_VALUE. PRB count halves are returned unconverted.
 */
export function checkMetricValue(definition: MetricDefinition, raw: number, options: CheckOptions = {}): ValueCheck {
  const { conversion = definition.units[definition.defaultUnit], name = definition.name } = options;
  const shown = options.text ?? String(raw);
  if (Number.isNaN(raw) || !Number.isFinite(raw)) return { ok: false, code: 'INVALID_VALUE', message: `${name}: ${shown} is not a measurement (NaN and ±Infinity are rejected)` };
  const sentinel = sentinelOf(definition, raw);
  if (sentinel) return { ok: false, code: 'SENTINEL_VALUE', message: `${name}: ${shown} is ${sentinel}, not a reading` };
  const rule = FIELD_RULES[definition.field];
  const min = rule.min ?? 0;
  if (raw < 0 && min >= 0) return { ok: false, code: 'OUT_OF_RANGE', message: `${name}: ${shown} is negative` };
  if (definition.part) return { ok: true, value: raw };
  const converted = conversion.num === 1 && conversion.den === 1 ? raw : clean((raw * conversion.num) / conversion.den);
  const via = (): string => {
    const unit = unitLabel(definition, conversion);
    return converted === raw ? '' : ` (from ${raw}${unit === '1' ? '' : ` ${unit}`})`;
  };
  if (converted < min) return { ok: false, code: 'OUT_OF_RANGE', message: `${name}: ${definition.field} ${converted}${via()} is below ${min}` };
  if (rule.max !== undefined && converted > rule.max) return { ok: false, code: 'OUT_OF_RANGE', message: `${name}: ${definition.field} ${converted}${via()} exceeds ${rule.max}` };
  if (rule.integer && !Number.isInteger(converted)) return { ok: false, code: 'INVALID_VALUE', message: `${name}: ${definition.field} must be an integer, got ${converted}` };
  return { ok: true, value: converted };
}

function unitLabel(definition: MetricDefinition, conversion: UnitConversion): string {
  return Object.entries(definition.units).find(([, c]) => c === conversion)?.[0] ?? definition.defaultUnit;
}

/**
 * PRB use in percent from the used and available PRB counts: used × 100 ÷ available. `value: null` when
 * both are 0 (nothing available, nothing used: no PRB use to report, not an error).
 */
export function derivePrbPercent(usedName: string, used: number, availableName: string, available: number): { readonly ok: true; readonly value: number | null } | { readonly ok: false; readonly code: RecordErrorCode; readonly message: string } {
  if (available === 0) {
    if (used === 0) return { ok: true, value: null };
    return { ok: false, code: 'OUT_OF_RANGE', message: `${usedName} ${used} but ${availableName} is 0: PRB use cannot be derived` };
  }
  const pct = clean((used * 100) / available);
  if (pct > 100) return { ok: false, code: 'OUT_OF_RANGE', message: `${usedName} ${used} exceeds ${availableName} ${available} (${pct} % > 100)` };
  return { ok: true, value: pct };
}
