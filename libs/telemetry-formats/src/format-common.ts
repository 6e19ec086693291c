import { DISTINGUISHED_NAME_MAX_LENGTH, DISTINGUISHED_NAME_PATTERN_SOURCE } from '@airan/contracts';
import type { ParsedBatch, TimeBounds } from './native.parser';
import type { RecordError, RejectedRecord } from './record-error';
import type { VesFault } from './ves.parser';

/**
 * Result of the VES, OTLP and Prometheus parsers: the native `ParsedBatch` plus what only those formats
 * have. Invariant: `accepted + rejected.length` = number of records of the request, where a record is a
 * VES event, an OTLP data point, or a Prometheus sample line (see each parser).
 */
export interface FormatParseResult extends ParsedBatch {
  /**
   * Distinct metric names the dictionary does not know, in first-seen order. They are ignored, never an
   * error: their records count as accepted and also in `ignoredRecords`.
   */
  readonly ignoredMetrics?: string[];
  /** Records that were accepted but carried nothing to map (unknown metric, OTLP point flagged "no recorded value"). */
  readonly ignoredRecords?: number;
  /**
   * Accepted records with content the parser passed over (`parseVesEvents` only: VES has no partial-success
   * answer to name it in), each with `UNMAPPED` errors at the paths of that content. They are also counted
   * in `accepted`; what they did map is in `sites`.
   */
  readonly unmapped?: RejectedRecord[];
  /** Valid VES fault events (`parseVesEvents` only): not telemetry and not errors; ingest decides what to do. */
  readonly faults?: VesFault[];
}

/** Identifier rule shared with the native format (siteId, cellId, GPU node): 1–128 chars. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
/** GPU device ids may also contain `/`, for MIG slices such as `0/mig1`. */
export const DEVICE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
export const ID_RULE = 'must be 1–128 characters of [A-Za-z0-9._:-], starting with a letter or digit';
export const DEVICE_RULE = 'must be 1–128 characters of [A-Za-z0-9._:/-], starting with a letter or digit';

/**
 * A 3GPP distinguished name (`SubNetwork=KT,ManagedElement=gnb-1,GNBDUFunction=1,NRCellDU=3`), up to
 * 512 characters. Accepted only where a cell is named: ingest resolves it to the registry cell whose
 * `distinguishedName` it is, and rejects the record (UNKNOWN_CELL) when none has it.
 */
export const DN_PATTERN = new RegExp(DISTINGUISHED_NAME_PATTERN_SOURCE, 'u');

export function isDistinguishedName(value: string): boolean {
  return value.length <= DISTINGUISHED_NAME_MAX_LENGTH && DN_PATTERN.test(value);
}

/** Cell fields (native cellId, VES cell entries, OTLP airan.cell.id, Prometheus cell label): an airan id or a DN. */
export function isCellReference(value: string): boolean {
  return ID_PATTERN.test(value) || isDistinguishedName(value);
}
export const CELL_RULE = `${ID_RULE}, or be a 3GPP distinguished name (Attr=value,Attr=value..., at most ${DISTINGUISHED_NAME_MAX_LENGTH} characters)`;

/**
 * Longest interval a native, OTLP or Prometheus cell sample may cover (the native schema's bound too).
 * VES has its own, longer bound (VES_MAX_MEASUREMENT_INTERVAL_S): its schema allows daily measurements.
 */
export const MAX_INTERVAL_MS = 3_600_000;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `$.a` + `b` → `$.a.b`; keys that are not identifiers use bracket notation: `$.hashMap['RRU.PrbTotDl']`. */
export function key(path: string, name: string): string {
  return IDENTIFIER.test(name) ? `${path}.${name}` : `${path}['${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}

/** `$.a` + 3 → `$.a[3]`. */
export function at(path: string, index: number): string {
  return `${path}[${index}]`;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** The same range rule as the native parser: not more than `maxFutureMs` ahead, not more than `maxAgeMs` old. */
export function checkTimeBounds(ts: number, path: string, { now, maxFutureMs, maxAgeMs }: TimeBounds): RecordError | null {
  if (ts > now + maxFutureMs) return { path, code: 'TIMESTAMP_OUT_OF_RANGE', message: `more than ${maxFutureMs} ms ahead of the server clock` };
  if (ts < now - maxAgeMs) return { path, code: 'TIMESTAMP_OUT_OF_RANGE', message: `older than ${maxAgeMs} ms` };
  return null;
}

/** Distinct names in first-seen order. */
export class NameSet {
  private readonly names = new Set<string>();
  add(name: string): void {
    this.names.add(name);
  }
  list(): string[] {
    return [...this.names];
  }
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;

/**
 * A number written as text (VES hashMap values, Prometheus values, OTLP asDouble strings): plain decimal
 * with optional sign and exponent. `'non-finite'` for NaN/Inf/Infinity spellings, `null` if not a number.
 */
export function parseDecimal(text: string): number | 'non-finite' | null {
  if (DECIMAL.test(text)) {
    const value = Number(text);
    return Number.isFinite(value) ? value : 'non-finite';
  }
  return NON_FINITE.test(text) ? 'non-finite' : null;
}

/** The number a non-finite spelling stands for: NaN, +Infinity or -Infinity. */
export function nonFinite(text: string): number {
  if (/nan/i.test(text)) return NaN;
  return text.startsWith('-') ? -Infinity : Infinity;
}
