import { at, ID_PATTERN, isObject, OTLP_SITE_ATTRIBUTE } from '@airan/telemetry-formats';

/** A site a request names: the record (by its index in the format's count) and the path of the value naming it. */
export interface SiteClaim {
  readonly index: number;
  readonly siteId: string;
  readonly path: string;
}

/** The sites of a native batch's records (`$.records[i].siteId`), for those that name a valid site id. */
export function nativeSiteClaims(records: readonly unknown[]): SiteClaim[] {
  return records.flatMap((record, index) => {
    const siteId = isObject(record) ? record.siteId : undefined;
    return typeof siteId === 'string' && ID_PATTERN.test(siteId) ? [{ index, siteId, path: `${at('$.records', index)}.siteId` }] : [];
  });
}

/**
 * The site of every OTLP data point: its resource's `airan.site.id` attribute (stringValue, or intValue
 * as the parser reads it), at the path the parser names. Points are counted as the parser counts its
 * records (every element of every `dataPoints` array, in document order); a body the parser refuses as
 * malformed never gets this far.
 */
export function otlpSiteClaims(body: unknown): SiteClaim[] {
  const claims: SiteClaim[] = [];
  let index = 0;
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
  list(isObject(body) ? body.resourceMetrics : undefined).forEach((rm, i) => {
    if (!isObject(rm)) return;
    const attributes = list(isObject(rm.resource) ? rm.resource.attributes : undefined);
    const site = siteAttribute(attributes, `${at('$.resourceMetrics', i)}.resource.attributes`);
    for (const sm of list(rm.scopeMetrics)) {
      for (const metric of list(isObject(sm) ? sm.metrics : undefined)) {
        const types = isObject(metric) ? METRIC_TYPES.filter((t) => metric[t] !== undefined) : [];
        const data = types.length === 1 ? (metric as Record<string, unknown>)[types[0]] : undefined;
        // A metric with no data kind, or more than one, is malformed: the parser has refused the body.
        if (!isObject(data)) continue;
        for (let points = list(data.dataPoints).length; points > 0; points--) {
          if (site) claims.push({ index, ...site });
          index++;
        }
      }
    }
  });
  return claims;
}

/** The data kinds of an OTLP metric, as the parser knows them. */
const METRIC_TYPES = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const;

function siteAttribute(attributes: readonly unknown[], path: string): { siteId: string; path: string } | undefined {
  const a = attributes.findIndex((attr) => isObject(attr) && attr.key === OTLP_SITE_ATTRIBUTE);
  if (a < 0) return undefined;
  const value = (attributes[a] as Record<string, unknown>).value;
  if (!isObject(value)) return undefined;
  const valuePath = `${at(path, a)}.value`;
  if (typeof value.stringValue === 'string') return ID_PATTERN.test(value.stringValue) ? { siteId: value.stringValue, path: `${valuePath}.stringValue` } : undefined;
  const int = value.intValue;
  if ((typeof int === 'string' && /^-?\d+$/.test(int)) || (typeof int === 'number' && Number.isInteger(int))) {
    const siteId = BigInt(int).toString();
    return ID_PATTERN.test(siteId) ? { siteId, path: `${valuePath}.intValue` } : undefined;
  }
  return undefined;
}
