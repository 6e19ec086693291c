import type { AlertEvent, CellLoadWindow, RollupWindow, TelemetryReport, TopicKey } from '@airan/contracts';

/** The live streams the api serves, each one Kafka topic as it is written. */
export const STREAM_PRODUCTS = ['cell-load', 'rollups', 'alerts', 'telemetry'] as const;
export type StreamProduct = (typeof STREAM_PRODUCTS)[number];

/** The server-side filters; each product supports those its events carry. */
export type FilterName = 'operator' | 'pilot' | 'site' | 'cell' | 'severity' | 'scope';
export type StreamFilter = Partial<Record<FilterName, string>>;
type Attributes = Partial<Record<FilterName, string | null>>;

export interface StreamProductSpec {
  readonly topic: TopicKey;
  /** The SSE `event:` (and WebSocket `event`) name of its events. */
  readonly eventName: string;
  readonly filters: readonly FilterName[];
  /** What the filters compare against; the value is decoded JSON of whatever the topic held. */
  readonly attributes: (event: unknown) => Attributes;
}

export const STREAM_PRODUCT_SPECS: Readonly<Record<StreamProduct, StreamProductSpec>> = {
  'cell-load': {
    topic: 'cellLoad',
    eventName: 'cell-load',
    filters: ['operator', 'pilot', 'site', 'cell'],
    attributes: (event) => {
      const e = event as Partial<CellLoadWindow>;
      return { operator: e.operatorId, pilot: e.pilotId, site: e.siteId, cell: e.cellId };
    },
  },
  rollups: {
    topic: 'rollups',
    eventName: 'rollup',
    // `site=X` follows site X's totals, `pilot=P` pilot P's; `scope` picks one kind (operator totals: scope=operator).
    filters: ['operator', 'pilot', 'site', 'scope'],
    attributes: (event) => {
      const e = event as Partial<RollupWindow>;
      return { operator: e.operatorId, scope: e.scope, site: e.scope === 'site' ? e.scopeId : undefined, pilot: e.scope === 'pilot' ? e.scopeId : undefined };
    },
  },
  alerts: {
    topic: 'alerts',
    // The name the alert stream always used, so existing clients (the ops console) read it unchanged.
    eventName: 'alert',
    filters: ['operator', 'pilot', 'site', 'cell', 'severity'],
    attributes: (event) => {
      const labels = (event as Partial<AlertEvent>).labels ?? {};
      return { operator: labels.operator, pilot: labels.pilot, site: labels.site, cell: labels.cell, severity: labels.severity };
    },
  },
  telemetry: {
    topic: 'telemetry',
    eventName: 'telemetry',
    // A report is one site's: its cells and pilot are inside it, so only these apply to the whole event.
    filters: ['operator', 'site'],
    attributes: (event) => {
      const e = event as Partial<TelemetryReport>;
      return { operator: e.operatorId, site: e.siteId };
    },
  },
};

/**
 * A predicate for the events of `product` that belong to one of `operators` (all, for 'all') and match
 * every given filter; an attribute a product's event lacks never matches.
 */
export function eventMatcher(product: StreamProduct, operators: 'all' | readonly string[], filter: Omit<StreamFilter, 'operator'>): (event: unknown) => boolean {
  const wanted = Object.entries(filter).filter(([, value]) => value !== undefined) as Array<[FilterName, string]>;
  const { attributes } = STREAM_PRODUCT_SPECS[product];
  if (operators === 'all' && wanted.length === 0) return () => true;
  return (event) => {
    if (event === null || typeof event !== 'object') return false;
    const actual = attributes(event);
    return (operators === 'all' || operators.includes(actual.operator as string)) && wanted.every(([name, value]) => actual[name] === value);
  };
}
