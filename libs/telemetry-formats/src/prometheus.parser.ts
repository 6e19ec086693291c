import { CELL_RULE, isCellReference, checkTimeBounds, DEVICE_PATTERN, DEVICE_RULE, type FormatParseResult, ID_PATTERN, ID_RULE, MAX_INTERVAL_MS, NameSet, nonFinite, parseDecimal, typeName } from './format-common';
import { FormatError } from './format-error';
import { checkMetricValue, lookupMetric, type MetricDictionary } from './metric-dictionary';
import type { TimeBounds } from './native.parser';
import type { RecordError, RejectedRecord } from './record-error';
import { type CellTarget, type GpuTarget, SampleAccumulator } from './sample-accumulator';

/**
 * Prometheus text exposition format 0.0.4, as a DCGM exporter serves it and a site pushes it, and
 * OpenMetrics 1.0 text (`application/openmetrics-text`), what Prometheus-compatible agents serve when
 * asked for it. A record is one line that is not blank and not an ordinary comment: a sample line, or
 * a malformed `# HELP` / `# TYPE` (/ `# UNIT`) line. `index` and `path` name the line: index 7 ↔ path
 * `line 7` (1-based). Mapping conventions: docs/telemetry-mapping.md.
 *
 * A text is OpenMetrics when it has a `# EOF` line, which OpenMetrics requires as its last line and
 * the 0.0.4 format never needs. It then differs in what the parser must know: timestamps are seconds
 * (not milliseconds) and may be fractional, a sample may end with an exemplar (` # {labels} value
 * [timestamp]`), `# UNIT` is a directive, the family types include OpenMetrics' own, a counter's
 * `# TYPE` names its family (`x`) while its samples are `x_total` and `x_created`, and nothing may
 * follow `# EOF`.
 */

/** The line that ends an OpenMetrics exposition. */
export const OPENMETRICS_EOF = '# EOF';

/** Label naming the cell of a cell metric. */
export const PROMETHEUS_CELL_LABEL = 'cell';
/** GPU node labels, first present wins (DCGM exporter: `Hostname`, newer releases `hostname`). */
export const PROMETHEUS_NODE_LABELS = ['Hostname', 'hostname'] as const;
/** GPU device label (DCGM: the GPU index). */
export const PROMETHEUS_DEVICE_LABEL = 'gpu';
/** MIG instance label (DCGM): device becomes `<gpu>/mig<GPU_I_ID>`. */
export const PROMETHEUS_MIG_LABEL = 'GPU_I_ID';

const METRIC_TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const OPENMETRICS_TYPES = new Set(['counter', 'gauge', 'histogram', 'gaugehistogram', 'stateset', 'info', 'summary', 'unknown']);
/** Sample-name suffixes of OpenMetrics (and 0.0.4) families: `x_total` belongs to the family `x` its `# TYPE` names. */
const FAMILY_SUFFIXES = ['_total', '_created', '_bucket', '_count', '_sum', '_gcount', '_gsum', '_info'];
/** An OpenMetrics timestamp: seconds since the epoch, a decimal that may be fractional or have an exponent. */
const SECONDS = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
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
  /** Epoch ms, when the line carries one (OpenMetrics' seconds converted). */
  readonly timestamp?: number;
}

/** Which of the two text formats a line is read as. */
export type PrometheusSyntax = 'prometheus' | 'openmetrics';

/** Whether a text is OpenMetrics: it has the `# EOF` line OpenMetrics ends with. */
export function isOpenMetricsText(text: string): boolean {
  return /^# EOF\r?$/m.test(text);
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

  const syntax: PrometheusSyntax = isOpenMetricsText(text) ? 'openmetrics' : 'prometheus';
  const familyType = (name: string): string | undefined => types.get(name) ?? types.get(familyName(name));
  let ended = false;

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
    if (ended) {
      records++;
      reject([{ path, code: 'SYNTAX_ERROR', message: `nothing may follow ${OPENMETRICS_EOF}` }]);
      return;
    }
    if (syntax === 'openmetrics' && line === OPENMETRICS_EOF) {
      ended = true;
      return;
    }

    if (trimmed.startsWith('#')) {
      // `# UNIT` is an OpenMetrics directive; in 0.0.4 text it is an ordinary comment.
      const directive = (syntax === 'openmetrics' ? /^#[ \t]+(HELP|TYPE|UNIT)(?:[ \t]+(.*))?$/ : /^#[ \t]+(HELP|TYPE)(?:[ \t]+(.*))?$/).exec(trimmed);
      if (!directive) return; // an ordinary comment
      const error = parseDirective(directive[1] as Directive, directive[2] ?? '', types, syntax);
      if (error) {
        records++;
        reject([{ path, code: 'SYNTAX_ERROR', message: error }]);
      }
      return;
    }

    records++;
    const sample = parseSampleLine(line, syntax);
    if (typeof sample === 'string') {
      reject([{ path, code: 'SYNTAX_ERROR', message: sample }]);
      return;
    }
    // An OpenMetrics counter `x` is sampled as `x_total`: the dictionary knows it as `x`.
    const counterTotal = sample.name.endsWith('_total') && familyType(sample.name) === 'counter';
    const definition = lookupMetric(sample.name, dictionary) ?? (counterTotal ? lookupMetric(familyName(sample.name), dictionary) : undefined);
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
    if (familyType(sample.name) === 'counter' && definition.kind === 'delta') {
      errors.push({ path, code: 'CUMULATIVE_NOT_SUPPORTED', message: `${sample.name} is a per-interval amount but is typed counter (cumulative): expose it as a gauge holding the interval's amount` });
    }

    let target: CellTarget | GpuTarget | undefined;
    if (definition.target === 'cell') {
      const cellId = sample.labels.get(PROMETHEUS_CELL_LABEL);
      if (!cellId) errors.push({ path, code: 'MISSING_FIELD', message: `cell metric ${sample.name} needs a ${PROMETHEUS_CELL_LABEL} label` });
      else if (!isCellReference(cellId)) errors.push({ path, code: 'INVALID_VALUE', message: `label ${PROMETHEUS_CELL_LABEL}="${cellId}" ${CELL_RULE}` });
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

/** The family a sample name belongs to: the name without an OpenMetrics sample suffix. */
function familyName(name: string): string {
  const suffix = FAMILY_SUFFIXES.find((s) => name.endsWith(s) && name.length > s.length);
  return suffix ? name.slice(0, -suffix.length) : name;
}

type Directive = 'HELP' | 'TYPE' | 'UNIT';

/**
 * `# HELP name doc` / `# TYPE name type` / `# UNIT name unit`: returns an error message, or null.
 * Records TYPE per metric name. A unit changes nothing: the dictionary's default unit applies.
 */
function parseDirective(kind: Directive, rest: string, types: Map<string, string>, syntax: PrometheusSyntax): string | null {
  const [name = '', ...tail] = rest.trim().split(/[ \t]+/);
  if (!METRIC_NAME.test(name)) return `# ${kind} needs a metric name, got "${name}"`;
  if (kind !== 'TYPE') return null;
  const type = tail.join(' ');
  const known = syntax === 'openmetrics' ? OPENMETRICS_TYPES : METRIC_TYPES;
  if (!known.has(type)) return `# TYPE ${name}: type must be one of ${[...known].join(', ')}, got "${type}"`;
  if (types.has(name)) return `second # TYPE line for ${name}`;
  types.set(name, type);
  return null;
}

/**
 * Parses `name{label="value",...} value [timestamp]`, the timestamp in ms (0.0.4) or seconds
 * (OpenMetrics, which also allows a trailing exemplar ` # {labels} value [timestamp]`, checked and
 * dropped: airan keeps no exemplars). Label values may escape `\\`, `\"` and `\n`. Returns the
 * sample or a message describing the syntax error.
 */
export function parseSampleLine(line: string, syntax: PrometheusSyntax = 'prometheus'): PrometheusSample | string {
  const n = line.length;
  let i = 0;
  while (blank(line[i])) i++;
  if (i >= n || !NAME_START.test(line[i])) return `expected a metric name at column ${i + 1}`;
  const nameStart = i;
  while (i < n && NAME_CHAR.test(line[i])) i++;
  const name = line.slice(nameStart, i);
  const afterName = i;
  while (blank(line[i])) i++;
  let labels = new Map<string, string>();
  if (line[i] === '{') {
    const set = readLabelSet(line, i);
    if (typeof set === 'string') return set;
    ({ labels, end: i } = set);
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
  const exemplarAt = (at: number): boolean => syntax === 'openmetrics' && line[at] === '#';
  if (i < n && !exemplarAt(i)) {
    const tsStart = i;
    while (i < n && !blank(line[i])) i++;
    const ts = readTimestamp(line.slice(tsStart, i), syntax);
    if (typeof ts === 'string') return ts;
    timestamp = ts;
    while (blank(line[i])) i++;
  }
  if (exemplarAt(i)) {
    const error = checkExemplar(line, i);
    if (error) return error;
  } else if (i < n) {
    return `unexpected text after the timestamp at column ${i + 1}`;
  }
  return { name, labels, value, text: valueText, ...(timestamp !== undefined ? { timestamp } : {}) };
}

function blank(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}

/** Epoch ms from a timestamp as written: integer ms (0.0.4) or seconds, possibly fractional (OpenMetrics). Or the error message. */
function readTimestamp(text: string, syntax: PrometheusSyntax): number | string {
  if (syntax === 'prometheus') {
    const ms = /^-?\d+$/.test(text) ? Number(text) : NaN;
    return Number.isSafeInteger(ms) ? ms : `invalid timestamp "${text}": expected integer milliseconds since the epoch`;
  }
  const ms = SECONDS.test(text) ? Math.round(Number(text) * 1000) : NaN;
  return Number.isSafeInteger(ms) ? ms : `invalid timestamp "${text}": expected seconds since the epoch (OpenMetrics)`;
}

/** An OpenMetrics exemplar from the `#` at `i` to the end of the line: `# {labels} value [timestamp]`. Returns an error message, or null. */
function checkExemplar(line: string, i: number): string | null {
  const where = `in the exemplar at column ${i + 1}`;
  i++;
  if (!blank(line[i])) return `expected a space after # ${where}`;
  while (blank(line[i])) i++;
  if (line[i] !== '{') return `expected { to open the exemplar's labels ${where}`;
  const set = readLabelSet(line, i);
  if (typeof set === 'string') return `${set} ${where}`;
  const [valueText = '', tsText, ...rest] = line.slice(set.end).trim().split(/[ \t]+/);
  const value = parseDecimal(valueText);
  if (valueText === '' || value === null) return `invalid value "${valueText}" ${where}`;
  if (tsText !== undefined && typeof readTimestamp(tsText, 'openmetrics') === 'string') return `invalid timestamp "${tsText}" ${where}`;
  if (rest.length > 0) return `unexpected text after the timestamp ${where}`;
  return null;
}

/** A label set from the `{` at `i`: the labels and the index after its `}`, or an error message. */
function readLabelSet(line: string, i: number): { labels: Map<string, string>; end: number } | string {
  const n = line.length;
  const labels = new Map<string, string>();
  i++;
  for (;;) {
    while (blank(line[i])) i++;
    if (i >= n) return 'unterminated label set: missing }';
    if (line[i] === '}') return { labels, end: i + 1 };
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
    if (line[i] === '}') return { labels, end: i + 1 };
    return `expected , or } after the value of label ${label} at column ${i + 1}`;
  }
}
