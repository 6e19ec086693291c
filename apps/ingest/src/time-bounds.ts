import type { TimeBounds } from '@airan/telemetry-formats';
import type { IngestConfig } from './ingest.config';

/** The accepted range of sample timestamps around the server clock. */
export const timeBounds = (config: IngestConfig, now: number): TimeBounds => ({ now, maxFutureMs: config.INGEST_MAX_FUTURE_MS, maxAgeMs: config.INGEST_MAX_AGE_MS });
