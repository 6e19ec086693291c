import { z } from 'zod';
import { type FilterName, STREAM_PRODUCT_SPECS, type StreamProduct } from './stream-products';
import { MAX_POSITION_LENGTH, parsePosition } from './stream-position';

/** A stream position (`Last-Event-ID`, `lastEventId`): `<partition>:<next offset>` for every partition, joined by `.`. */
export const streamPositionSchema = z
  .string()
  .max(MAX_POSITION_LENGTH)
  // A position too long is the length check's finding alone.
  .refine((text) => text.length > MAX_POSITION_LENGTH || parsePosition(text) !== undefined, { message: 'a stream position: <partition>:<next offset> per partition, joined by "." (e.g. 0:120.1:98.2:77)' });

const label = z.string().min(1).max(128);

/** Each filter's values: an id, but a rollup's scope is one of three. */
const filterValue = (name: FilterName) => (name === 'scope' ? z.enum(['site', 'pilot', 'operator']) : label).optional();

function queryFor(product: StreamProduct) {
  const filters = Object.fromEntries(STREAM_PRODUCT_SPECS[product].filters.map((name) => [name, filterValue(name)])) as Record<FilterName, z.ZodOptional<z.ZodString>>;
  return z
    .object({
      ...filters,
      /** For clients that cannot set headers (browsers' WebSocket, some proxies); the Last-Event-ID header wins. */
      lastEventId: streamPositionSchema.optional(),
    })
    .strict();
}

/** The query of each product's stream: its filters and `lastEventId`; anything else is a 400 naming it. */
export const STREAM_QUERY_SCHEMAS = {
  'cell-load': queryFor('cell-load'),
  rollups: queryFor('rollups'),
  alerts: queryFor('alerts'),
  telemetry: queryFor('telemetry'),
} as const satisfies Record<StreamProduct, z.ZodTypeAny>;

export type StreamQuery = z.output<(typeof STREAM_QUERY_SCHEMAS)[StreamProduct]>;
