import { ALERT_SCHEMA } from './alerts';
import { CELL_LOAD_SCHEMA } from './cell-load';
import { TELEMETRY_DLQ_SCHEMA } from './dlq';
import { REGISTRY_SCHEMA } from './registry';
import { ROLLUP_SCHEMA } from './rollups';
import { TELEMETRY_SCHEMA } from './telemetry';

/** Every event schema (name and major version) this build reads. */
export const KNOWN_SCHEMAS: ReadonlySet<string> = new Set([ALERT_SCHEMA, CELL_LOAD_SCHEMA, TELEMETRY_DLQ_SCHEMA, REGISTRY_SCHEMA, ROLLUP_SCHEMA, TELEMETRY_SCHEMA]);

/**
 * The `schema` of an event value this build cannot read (another major version, or a name it does not
 * know), so a consumer skips it instead of applying it as if it were the version it knows. Undefined for
 * a known schema, and for a value without one (which its own validation judges).
 */
export function unknownSchemaOf(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || !('schema' in value)) return undefined;
  const { schema } = value as { schema: unknown };
  if (typeof schema === 'string' && KNOWN_SCHEMAS.has(schema)) return undefined;
  return typeof schema === 'string' ? schema : JSON.stringify(schema);
}
