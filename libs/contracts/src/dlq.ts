import type { EventEnvelope } from './event';

export const TELEMETRY_DLQ_SCHEMA = 'airan.telemetry.dlq/1';

export interface FieldError {
  /** JSON path of the offending field, e.g. `$.records[3].prbDlPct`. */
  readonly path: string;
  readonly code: string;
  readonly message: string;
}

/** A rejected input record on `airan.telemetry.dlq.v1`: nothing is silently lost. */
export interface TelemetryDeadLetter extends EventEnvelope<typeof TELEMETRY_DLQ_SCHEMA> {
  readonly reason: string;
  readonly errors: readonly FieldError[];
  readonly format: 'native' | 'ves' | 'otlp' | 'prometheus';
  readonly keyId: string;
  readonly operatorId: string;
  readonly siteId: string | null;
  readonly receivedAt: number;
  /** The record exactly as received (an OTLP protobuf point in its OTLP/JSON form). */
  readonly raw: unknown;
}
