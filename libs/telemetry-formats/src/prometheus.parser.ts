import { checkTimeBounds, DEVICE_PATTERN, DEVICE_RULE, type FormatParseResult, ID_PATTERN, ID_RULE, MAX_INTERVAL_MS, NameSet, nonFinite, parseDecimal, typeName } from './format-common';
import { FormatError } from './format-error';
import { checkMetricValue, lookupMetric, type MetricDictionary } from './metric-dictionary';
import type { TimeBounds } from './native.parser';
import type { RecordError, RejectedRecord } from './record-error';
import { type CellTarget, type GpuTarget, SampleAccumulator } from './sample-accumulator';

/**
 * Prometheus text exposition format 0.0.4, as a DCGM exporter serves it and a site pushes it. A record
 * is one line that is not blank and not an ordinary comment: a sample line, or a malformed `# HELP` /
 * `# TYPE` line. `index` and `path` name the line: index 7 ↔ path `line 7` (1-based). Mapping
 * conventions: docs/telemetry-mapping.md.
 */

/** Label naming the cell of a cell metric. */
export const PROMETHEUS_CELL_LABEL = 'cell';
/** GPU node labels, first present wins (DCGM exporter: `Hostname`, newer releases `hostname`). */
export const PROMETHEUS_NODE_LABELS = ['Hostname', 'hostname'] as const;
/** GPU device label (DCGM: the GPU index). */
export const PROMETHEUS_DEVICE_LABEL = 'gpu';
/** MIG instance label (DCGM): device becomes `<gpu>/mig<GPU_I_ID>`. */
export const PROMETHEUS_MIG_LABEL = 'GPU_I_ID';

const METRIC_TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const NAME_START = /[a-zA-Z_:]/;
const NAME_CHAR = /[a-zA-Z0-9_:]/;
const LABEL_START = /[a-zA-Z_]/;
const LABEL_CHAR = /[a-zA-Z0-9_]/;

export interface PrometheusContext {
  /**
   * The site the text belongs to (from the request, not the text); same rule as native ids. The caller
   * checks that it may write this site (once per request) before calling the parser.
   */
  readonly siteId: string;
  /** Epoch ms given to samples without their own timestamp (DCGM exporter never writes one). */
  readonly scrapeTs: number;
  /** `intervalMs` of the cell samples. */
  readonly intervalMs: number;
  /** Metric dictionary to use instead of the default one. */
  readonly dictionary?: MetricDictionary;
  /**
   * Set when the caller refuses the site (not in the registry): every line that would be a record
   * (ignored metrics included) is rejected with it instead, as the other parsers apply a site admission
   * to otherwise valid records; lines that are invalid anyway keep their own errors.
   */
  readonly refusal?: RecordError;
}

export interface PrometheusParseResult extends FormatParseResult {
  readonly ignoredMetrics: string[];
  readonly ignoredRecords: number;
}

/** A parsed sample line. */
export interface PrometheusSample {
  readonly name: string;
  readonly labels: ReadonlyMap<string, string>;
  /** NaN and ±Infinity are syntactically valid here; the dictionary rejects them for known metrics. */
  readonly value: number;
  /** The value as written (`9223372036854775794`, `+Inf`, …). */
  readonly text: string;
  /** Epoch ms, when the line carries one. */
  readonly timestamp?: number;
}

/**
 * Parses Prometheus text. Throws `FormatError` when `text` is not a string (MALFORMED_BODY) or the
 * context is invalid (INVALID_CONTEXT); every other problem rejects only its line.
 *
 * Site admission: unlike the other parsers this one takes no `SiteAdmission`. The single site comes
 * from the caller's `context.siteId` (the request), never from the text, so the caller checks it once
 * per request, before parsing, and either refuses the whole request or passes `context.refusal`.
 */
export function parsePrometheusText(text: string, bounds: TimeBounds, context: PrometheusContext): PrometheusParseResult {
  if (typeof text !== 'string') throw new FormatError('MALFORMED_BODY', 'the body must be Prometheus text', [{ path: '$', code: 'INVALID_TYPE', message: `expected a string, got ${typeName(text)}` }]);
  checkContext(context);
  const { siteId, scrapeTs, intervalMs, dictionary, refusal } = context;

  const accumulator = new SampleAccumulator();
  const rejected: RejectedRecord[] = [];
  const ignored = new NameSet();
  const types = new Map<string, string>();
  const halves = new Map<number, string>();
  let records = 0;
  let ignoredRecords = 0;

  const lines = text.split('\n');
  lines.forEach((rawLine, i) => {
    const n = i + 1;
    const path = `line ${n}`;
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    const reject = (errors: RecordError[]): void => {
      rejected.push({ index: n, siteId, errors, raw: line });
    };
    const trimmed = line.trimStart();
    if (trimmed === '') return;

    if (trimmed.startsWith('#')) {
      const directive = /^#[ \t]+(HELP|TYPE)(?:[ \t]+(.*))?$/.exec(trimmed);
      if (!directive) return; // an ordinary comment
      const error = parseDirective(directive[1] as 'HELP' | 'TYPE', directive[2] ?? '', types);
      if (error) {
        records++;
        reject([{ path, code: 'SYNTAX_ERROR', message: error }]);
      }
      return;
    }

    records++;
    const sample = parseSampleLine(line);
    if (typeof sample === 'string') {
      reject([{ path, code: 'SYNTAX_ERROR', message: sample }]);
      return;
    }
    const definition = lookupMetric(sample.name, dictionary);
    if (!definition && refusal) {
      reject([refusal]);
      return;
    }
    if (!definition) {
      ignored.add(sample.name);
      ignoredRecords++;
      return;
    }
    const errors: RecordError[] = [];
    if (types.get(sample.name) === 'counter' && definition.kind === 'delta') {
      errors.push({ path, code: 'CUMULATIVE_NOT_SUPPORTED', message: `${sample.name} is a per-interval amount but is typed counter (cumulative): expose it as a gauge holding the interval's amount` });
    }

    let target: CellTarget | GpuTarget | undefined;
    if (definition.target === 'cell') {
      const cellId = sample.labels.get(PROMETHEUS_CELL_LABEL);
      if (!cellId) errors.push({ path, code: 'MISSING_FIELD', message: `cell metric ${sample.name} needs a ${PROMETHEUS_CELL_LABEL} label` });
      else if (!ID_PATTERN.test(cellId)) errors.push({ path, code: 'INVALID_VALUE', message: `label ${PROMETHEUS_CELL_LABEL}="${cellId}" ${ID_RULE}` });
      else target = { kind: 'cell', cellId, intervalMs, intervalPath: path };
    } else {
      const nodeLabel = PROMETHEUS_NODE_LABELS.find((l) => sample.labels.get(l));
      const node = nodeLabel ? (sample.labels.get(nodeLabel) as string) : undefined;
      const gpu = sample.labels.get(PROMETHEUS_DEVICE_LABEL);
      const mig = sample.labels.get(PROMETHEUS_MIG_LABEL);
      const device = gpu && mig ? `${gpu}/mig${mig}` : gpu;
      if (!node) errors.push({ path, code: 'MISSING_FIELD', message: `GPU metric ${sample.name} needs a ${PROMETHEUS_NODE_LABELS.join(' or ')} label` });
      else if (!ID_PATTERN.test(node)) errors.push({ path, code: 'INVALID_VALUE', message: `label ${nodeLabel}="${node}" ${ID_RULE}` });
      if (!device) errors.push({ path, code: 'MISSING_FIELD', message: `GPU metric ${sample.name} needs a ${PROMETHEUS_DEVICE_LABEL} label` });
      else if (!DEVICE_PATTERN.test(device)) errors.push({ path, code: 'INVALID_VALUE', message: `device "${device}" (labels ${PROMETHEUS_DEVICE_LABEL}${mig ? ` and ${PROMETHEUS_MIG_LABEL}` : ''}) ${DEVICE_RULE}` });
      if (node && device && errors.length === 0) target = { kind: 'gpu', node, device };
    }

    const ts = sample.timestamp ?? scrapeTs;
    const outOfRange = checkTimeBounds(ts, path, bounds);
    if (outOfRange) errors.push({ ...outOfRange, message: `${sample.timestamp === undefined ? 'scrape time' : 'sample timestamp'} ${ts} is ${outOfRange.message}` });

    const checked = checkMetricValue(definition, sample.value, { name: sample.name, text: sample.text });
    if (!checked.ok) errors.push({ path, code: checked.code, message: checked.message });

    if (errors.length > 0 || !target || !checked.ok) {
      reject(errors);
      return;
    }
    if (refusal) {
      reject([refusal]);
      return;
    }
    const d = definition;
    const stageErrors = accumulator.stage(n, [
      { siteId, target, ts, slot: d.part ? `${d.field}.${d.part.role}` : d.field, value: checked.value, priority: d.priority, metric: sample.name, path, counterpart: d.part ? prometheusCounterpart(sample.name, d.part.counterpart) : undefined },
    ]);
    if (stageErrors.length > 0) reject(stageErrors);
    else if (d.part) halves.set(n, line);
  });

  for (const [index, errors] of accumulator.resolvePrbParts()) rejected.push({ index, siteId, errors, raw: halves.get(index) });
  rejected.sort((a, b) => a.index - b.index);
  return { sites: accumulator.build(), rejected, accepted: records - rejected.length, ignoredMetrics: ignored.list(), ignoredRecords };
}

/** In messages, name the counterpart the way this sample names itself (dotted or Prometheus-safe). */
function prometheusCounterpart(name: string, counterpart: string): string {
  return name.includes('.') ? counterpart : counterpart.replace(/[^a-zA-Z0-9_:]/g, '_');
}

function checkContext(context: PrometheusContext): void {
  const errors: RecordError[] = [];
  if (!context || typeof context !== 'object') throw new FormatError('INVALID_CONTEXT', 'a context {siteId, scrapeTs, intervalMs} is required', [{ path: 'context', code: 'MISSING_FIELD', message: 'required' }]);
  if (typeof context.siteId !== 'string' || !ID_PATTERN.test(context.siteId)) errors.push({ path: 'context.siteId', code: 'INVALID_VALUE', message: `siteId ${ID_RULE}` });
  if (!Number.isSafeInteger(context.scrapeTs)) errors.push({ path: 'context.scrapeTs', code: 'INVALID_TIMESTAMP', message: 'scrapeTs must be integer epoch milliseconds' });
  if (!Number.isInteger(context.intervalMs) || context.intervalMs < 1 || context.intervalMs > MAX_INTERVAL_MS) errors.push({ path: 'context.intervalMs', code: 'OUT_OF_RANGE', message: `intervalMs must be an integer from 1 to ${MAX_INTERVAL_MS}` });
  if (errors.length > 0) throw new FormatError('INVALID_CONTEXT', 'invalid Prometheus ingest context', errors);
}

/** `# HELP name doc` / `# TYPE name type`: returns an error message, or null. Records TYPE per metric name. */
function parseDirective(kind: 'HELP' | 'TYPE', rest: string, types: Map<string, string>): string | null {
  const [name = '', ...tail] = rest.trim().split(/[ \t]+/);
  if (!METRIC_NAME.test(name)) return `# ${kind} needs a metric name, got "${name}"`;
  if (kind === 'HELP') return null;
  const type = tail.join(' ');
  if (!METRIC_TYPES.has(type)) return `# TYPE ${name}: type must be one of ${[...METRIC_TYPES].join(', ')}, got "${type}"`;
  if (types.has(name)) return `second # TYPE line for ${name}`;
  types.set(name, type);
  return null;
}

/**
 * Parses `name{label="value",...} value [timestamp_ms]`. Label values may escape `\\`, `\"` and `\n`.
 * Returns the sample or a message describing the syntax error.
 */
export function parseSampleLine(line: string): PrometheusSample | string {
  const n = line.length;
  const blank = (c: string | undefined): boolean => c === ' ' || c === '\t';
  let i = 0;
  while (blank(line[i])) i++;
  if (i >= n || !NAME_START.test(line[i])) return `expected a metric name at column ${i + 1}`;
  const nameStart = i;
  while (i < n && NAME_CHAR.test(line[i])) i++;
  const name = line.slice(nameStart, i);
  const afterName = i;
  while (blank(line[i])) i++;
  const labels = new Map<string, string>();
  if (line[i] === '{') {
    i++;
    for (;;) {
      while (blank(line[i])) i++;
      if (i >= n) return 'unterminated label set: missing }';
      if (line[i] === '}') {
        i++;
        break;
      }
      if (!LABEL_START.test(line[i])) return `expected a label name at column ${i + 1}`;
      const labelStart = i;
      while (i < n && LABEL_CHAR.test(line[i])) i++;
      const label = line.slice(labelStart, i);
      while (blank(line[i])) i++;
      if (line[i] !== '=') return `expected = after label ${label} at column ${i + 1}`;
      i++;
      while (blank(line[i])) i++;
      if (line[i] !== '"') return `expected " to open the value of label ${label} at column ${i + 1}`;
      i++;
      let value = '';
      let closed = false;
      while (i < n) {
        const c = line[i];
        if (c === '\\') {
          const e = line[i + 1];
          if (e === '\\' || e === '"') value += e;
          else if (e === 'n') value += '\n';
          else return `invalid escape sequence \\${e ?? ''} in the value of label ${label} (only \\\\, \\" and \\n)`;
          i += 2;
          continue;
        }
        if (c === '"') {
          closed = true;
          i++;
          break;
        }
        value += c;
        i++;
      }
      if (!closed) return `unterminated value of label ${label}`;
      if (labels.has(label)) return `duplicate label ${label}`;
      labels.set(label, value);
      while (blank(line[i])) i++;
      if (line[i] === ',') {
        i++;
        continue;
      }
      if (line[i] === '}') {
        i++;
        break;
      }
      return `expected , or } after the value of label ${label} at column ${i + 1}`;
    }
    while (blank(line[i])) i++;
  } else if (i === afterName) {
    return i >= n ? `missing value after ${name}` : `unexpected character "${line[i]}" in metric name at column ${i + 1}`;
  }

  const valueStart = i;
  while (i < n && !blank(line[i])) i++;
  const valueText = line.slice(valueStart, i);
  if (valueText === '') return `missing value after ${name}`;
  const parsed = parseDecimal(valueText);
  if (parsed === null) return `invalid sample value "${valueText}"`;
  const value = parsed !== 'non-finite' ? parsed : nonFinite(valueText);

  while (blank(line[i])) i++;
  let timestamp: number | undefined;
  if (i < n) {
    const tsStart = i;
    while (i < n && !blank(line[i])) i++;
    const tsText = line.slice(tsStart, i);
    timestamp = /^-?\d+$/.test(tsText) ? Number(tsText) : NaN;
    if (!Number.isSafeInteger(timestamp)) return `invalid timestamp "${tsText}": expected integer milliseconds since the epoch`;
    while (blank(line[i])) i++;
    if (i < n) return `unexpected text after the timestamp at column ${i + 1}`;
  }
  return { name, labels, value, text: valueText, ...(timestamp !== undefined ? { timestamp } : {}) };
}
