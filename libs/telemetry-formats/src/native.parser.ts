import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { type CellSample, type GpuSample, NATIVE_RECORD_SCHEMAS, type NativeRecordType } from '@airan/contracts';
import type { RecordError, RecordErrorCode, RejectedRecord, SiteAdmission } from './record-error';
import { groupBySite, type SiteBatch } from './site-batch';

export interface TimeBounds {
  /** Server clock, epoch ms. */
  readonly now: number;
  readonly maxFutureMs: number;
  readonly maxAgeMs: number;
}

export interface ParsedBatch {
  readonly sites: SiteBatch[];
  readonly rejected: RejectedRecord[];
  readonly accepted: number;
}

const ajv = new Ajv({ allErrors: true, strict: true });
const validators = Object.fromEntries(
  Object.entries(NATIVE_RECORD_SCHEMAS).map(([type, schema]) => [type, ajv.compile(schema)]),
) as Record<NativeRecordType, ValidateFunction>;

const CODE_BY_KEYWORD: Record<string, RecordErrorCode> = {
  required: 'MISSING_FIELD',
  additionalProperties: 'UNKNOWN_FIELD',
  type: 'INVALID_TYPE',
  minimum: 'OUT_OF_RANGE',
  maximum: 'OUT_OF_RANGE',
  exclusiveMinimum: 'OUT_OF_RANGE',
  exclusiveMaximum: 'OUT_OF_RANGE',
};

/**
 * Validates and normalises the records of a native batch (`{records: [...]}`, already checked to be
 * an array). Each record stands alone: good ones are grouped by site, bad ones are returned with
 * their JSON paths and codes.
 *
 * `admitSite`, if given, is called for each record that passed the schema and timestamp checks, with
 * its siteId and path `$.records[i].siteId`; an error it returns rejects that record (and only it).
 */
export function parseNativeRecords(records: readonly unknown[], bounds: TimeBounds, admitSite?: SiteAdmission): ParsedBatch {
  const sites = new Map<string, SiteBatch>();
  const rejected: RejectedRecord[] = [];
  records.forEach((raw, index) => {
    const path = `$.records[${index}]`;
    const errors = validateRecord(raw, path, bounds);
    const siteId = typeof (raw as { siteId?: unknown })?.siteId === 'string' ? (raw as { siteId: string }).siteId : null;
    if (errors.length === 0 && admitSite) {
      const refusal = admitSite(siteId as string, `${path}.siteId`);
      if (refusal) errors.push(refusal);
    }
    if (errors.length > 0) {
      rejected.push({ index, siteId, errors, raw });
      return;
    }
    addRecord(groupBySite(sites, siteId as string), raw as NativeRecord);
  });
  return { sites: [...sites.values()], rejected, accepted: records.length - rejected.length };
}

type NativeRecord = { type: NativeRecordType; ts: string } & Record<string, unknown>;

function validateRecord(raw: unknown, path: string, bounds: TimeBounds): RecordError[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return [{ path, code: 'INVALID_TYPE', message: 'a record must be an object' }];
  }
  const type = (raw as { type?: unknown }).type;
  if (typeof type !== 'string' || !(type in validators)) {
    return [{ path: `${path}.type`, code: 'UNKNOWN_RECORD_TYPE', message: `type must be one of ${Object.keys(validators).join(', ')}` }];
  }
  const validate = validators[type as NativeRecordType];
  if (!validate(raw)) return (validate.errors ?? []).map((e) => toRecordError(e, path));
  return checkTimestamp((raw as NativeRecord).ts, `${path}.ts`, bounds);
}

function toRecordError(error: ErrorObject, recordPath: string): RecordError {
  const field = error.keyword === 'required' ? `/${error.params.missingProperty}` : error.keyword === 'additionalProperties' ? `/${error.params.additionalProperty}` : error.instancePath;
  const path = recordPath + field.split('/').filter(Boolean).map((p) => `.${p}`).join('');
  const code = CODE_BY_KEYWORD[error.keyword] ?? 'INVALID_VALUE';
  const message = error.keyword === 'additionalProperties' ? 'unknown field' : error.keyword === 'required' ? 'required field is missing' : (error.message ?? 'invalid');
  return { path, code, message };
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function checkTimestamp(ts: string, path: string, { now, maxFutureMs, maxAgeMs }: TimeBounds): RecordError[] {
  const ms = RFC3339.test(ts) ? Date.parse(ts) : NaN;
  if (Number.isNaN(ms)) return [{ path, code: 'INVALID_TIMESTAMP', message: 'expected an RFC 3339 date-time such as 2026-11-28T09:00:00Z' }];
  if (ms > now + maxFutureMs) return [{ path, code: 'TIMESTAMP_OUT_OF_RANGE', message: `more than ${maxFutureMs} ms ahead of the server clock` }];
  if (ms < now - maxAgeMs) return [{ path, code: 'TIMESTAMP_OUT_OF_RANGE', message: `older than ${maxAgeMs} ms` }];
  return [];
}

function addRecord(site: SiteBatch, record: NativeRecord): void {
  const { type, siteId: _site, ts, ...fields } = record;
  const at = Date.parse(ts);
  if (type === 'cell') site.cells.push({ ...(fields as Omit<CellSample, 'ts'>), ts: at });
  else if (type === 'gpu') site.gpus.push({ ...(fields as Omit<GpuSample, 'ts'>), ts: at });
  else site.heartbeats.push(at);
}
