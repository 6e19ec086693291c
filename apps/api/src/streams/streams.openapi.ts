import { cellLoadWindowSchema, rollupWindowSchema, telemetryReportSchema } from '@airan/contracts';
import { z } from 'zod';
import { HISTORY_HTTP_STATUS } from '../history/history.errors';
import { HISTORY_ACCESS, SCOPE_DESCRIPTION } from '../history/history.openapi';
import { type OpenApiFragment, type RouteSpecs, type RouteVariant, errorsOf } from '../openapi/route.declaration';
import { ParamsError } from '../params/params.errors';
import { STREAM_PRODUCTS, STREAM_PRODUCT_SPECS, type StreamProduct } from './stream-products';
import { STREAMS_HTTP_STATUS } from './streams.errors';
import { STREAM_QUERY_SCHEMAS } from './streams.schemas';

/** The component schema of each product's event payload (AlertEvent is the alerts fragment's). */
const PAYLOAD_SCHEMA: Readonly<Record<StreamProduct, string>> = { 'cell-load': 'CellLoadWindow', rollups: 'RollupWindow', alerts: 'AlertEvent', telemetry: 'TelemetryReport' };

function unknownProduct(): ParamsError {
  return new ParamsError('INVALID_PATH_PARAMETER', 'invalid path parameters', [
    { path: 'path.product', code: 'INVALID_VALUE', message: `one of ${STREAM_PRODUCTS.join(', ')}` },
  ]);
}

function streamVariant(product: StreamProduct): RouteVariant {
  const { eventName, topic, filters } = STREAM_PRODUCT_SPECS[product];
  return {
    summary: `Live ${product} events (Server-Sent Events, or a WebSocket on Upgrade)`,
    description:
      `The ${topic} topic's events from now (or from a position), filtered by ${filters.map((f) => `\`${f}\``).join(', ')}. ` +
      `SSE: each event is \`id: <position>\`, \`event: ${eventName}\`, \`data:\` one ${PAYLOAD_SCHEMA[product]} (#/components/schemas/${PAYLOAD_SCHEMA[product]}) as JSON; ` +
      'a WebSocket carries one JSON text frame per event, `{"type":"event","event","position","data"}` (and `{"type":"cut","reason","position"}`). A position is the next offset of every partition (`0:120.1:98.2:77`); resume with ' +
      '`Last-Event-ID` (what EventSource sends) or `lastEventId` to get every event after it exactly once. An idle SSE stream sends a heartbeat comment with its position as `id:`; ' +
      'the `x-heartbeat-interval-ms` response header says how often, so a client that hears nothing for a few intervals knows the connection is dead. A client too far behind is cut with ' +
      `\`event: cut\` naming the position to resume from. ${SCOPE_DESCRIPTION}`,
    query: STREAM_QUERY_SCHEMAS[product],
  };
}

const EVENT_STREAM = { description: 'the event stream, open until either side ends it', mediaType: 'text/event-stream', schema: { type: 'string' } };
const STREAM_ERRORS = [
  ...errorsOf(STREAMS_HTTP_STATUS, 'INVALID_QUERY', 'FOREIGN_POSITION', 'POSITION_EXPIRED', 'TOO_MANY_STREAMS', 'STREAM_UNAVAILABLE'),
  ...errorsOf(HISTORY_HTTP_STATUS, 'OPERATOR_NOT_PERMITTED', 'NO_GRANTS'),
];

/** Live streams, one Kafka topic each; `/v1/alerts/stream` is the alert stream's first address. */
export const STREAM_ROUTE_SPECS = {
  product: {
    method: 'GET',
    path: '/v1/streams/{product}',
    summary: 'A live stream',
    access: HISTORY_ACCESS,
    params: z.object({ product: z.string() }).strict(),
    variants: { param: 'product', values: Object.fromEntries(STREAM_PRODUCTS.map((product) => [product, streamVariant(product)])), unknown: unknownProduct },
    responses: { 200: EVENT_STREAM },
    errors: STREAM_ERRORS,
  },
  alerts: {
    method: 'GET',
    path: '/v1/alerts/stream',
    summary: 'The alert stream: the same as /v1/streams/alerts',
    description: streamVariant('alerts').description,
    access: HISTORY_ACCESS,
    query: STREAM_QUERY_SCHEMAS.alerts,
    responses: { 200: EVENT_STREAM },
    errors: STREAM_ERRORS,
  },
} as const satisfies RouteSpecs;

export const STREAMS_OPENAPI: OpenApiFragment = {
  tag: 'streams',
  description: 'Live events as they reach Kafka, resumable from a position',
  routes: STREAM_ROUTE_SPECS,
  schemas: { [PAYLOAD_SCHEMA['cell-load']]: cellLoadWindowSchema, [PAYLOAD_SCHEMA.rollups]: rollupWindowSchema, [PAYLOAD_SCHEMA.telemetry]: telemetryReportSchema },
};

