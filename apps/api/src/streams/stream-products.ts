import type { AlertEvent, CellLoadWindow, TelemetryReport, TopicKey } from '@airan/contracts';

/**
 * The live streams the api serves, each one Kafka topic as it is written. Rollups have no topic yet
 * (load keeps them in Postgres only), so they have no stream.
 */
export const STREAM_PRODUCTS = ['cell-load', 'alerts', 'telemetry'] as const;
export type StreamProduct = (typeof STREAM_PRODUCTS)[number];

/** The server-side filters; each product supports those its events carry. */
export type FilterName = 'operator' | 'pilot' | 'site' | 'cell' | 'severity';
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
  alerts: {
    topic: 'alerts',
    // The name the alert stream always used, so existing clients (the dashboard) read it unchanged.
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
