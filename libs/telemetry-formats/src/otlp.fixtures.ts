export { formatError } from './format-error.fixtures';
// Test data and helpers shared by the OTLP/JSON specs (otlp.parser.spec.ts, otlp.record-errors.spec.ts); not part of the library: index.ts does not export it.
import type { TimeBounds } from './native.parser';
import { parseOtlpMetrics } from './otlp.parser';

export const NOW = Date.parse('2026-11-28T09:00:00Z');
export const bounds: TimeBounds = { now: NOW, maxFutureMs: 300_000, maxAgeMs: 7 * 86_400_000 };
export const TS = NOW - 60_000 + 123;
/** TS ms + 999 999 ns: far above 2^53, so a JS number cannot hold it exactly. */
export const T_NS = '1795856340123999999';
/** Exactly 60 s before T_NS. */
export const START_NS = '1795856280123999999';

export type Json = Record<string, unknown>;

/** T_NS minus `ms` milliseconds, as a fixed64 decimal string. */
export const nsBefore = (ms: number): string => (BigInt(T_NS) - BigInt(ms) * 1_000_000n).toString();

export const attr = (key: string, value: string | Json): Json => ({ key, value: typeof value === 'string' ? { stringValue: value } : value });
export const SITE = [attr('airan.site.id', 'site-muc-01')];
/** The resource attribute a site declares its cell interval with (airan.interval_ms). */
export const declaring = (value: number | string | Json, site: Json[] = SITE): Json[] => [...site, attr('airan.interval_ms', typeof value === 'number' ? { intValue: String(value) } : value)];
export const cellPoint = (cell: string, value: Json, extra: Json = {}): Json => ({ attributes: [attr('airan.cell.id', cell)], startTimeUnixNano: START_NS, timeUnixNano: T_NS, ...value, ...extra });
export const gpuPoint = (gpu: string, value: Json, extra: Json = {}): Json => ({ attributes: [attr('Hostname', 'aerial-01'), attr('gpu', gpu)], timeUnixNano: T_NS, ...value, ...extra });
export const gauge = (name: string, dataPoints: unknown[], unit?: string): Json => ({ name, ...(unit !== undefined ? { unit } : {}), gauge: { dataPoints } });
export const deltaSum = (name: string, dataPoints: unknown[], temporality: unknown = 1): Json => ({ name, sum: { aggregationTemporality: temporality, isMonotonic: true, dataPoints } });
export const request = (metrics: unknown[], resourceAttributes: unknown[] = SITE): Json => ({ resourceMetrics: [{ resource: { attributes: resourceAttributes }, scopeMetrics: [{ scope: { name: 'airan-test' }, metrics }] }] });
export const P = (k: number, type = 'gauge', m = 0): string => `$.resourceMetrics[0].scopeMetrics[0].metrics[${k}].${type}.dataPoints[${m}]`;


/** Parses one metric and returns the errors of its single, rejected data point. */
export function errorsOf(metric: Json, resourceAttributes: unknown[] = SITE): unknown {
  const result = parseOtlpMetrics(request([metric], resourceAttributes), bounds);
  if (result.accepted !== 0 || result.rejected.length !== 1) throw new Error(`expected the one data point to be rejected, got ${result.accepted} accepted and ${result.rejected.length} rejected`);
  return result.rejected[0].errors;
}
