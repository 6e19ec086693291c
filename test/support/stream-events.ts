import { randomUUID } from 'node:crypto';
import { ALERT_SCHEMA, type AlertEvent, CELL_LOAD_SCHEMA, type CellLoadWindow, ROLLUP_SCHEMA, type RollupWindow, TELEMETRY_SCHEMA, type TelemetryReport } from '@airan/contracts';

/**
 * Whole events of each streamed topic, as their producers write them (the api's own alert consumer
 * reads what a test writes to the alert topic too, so those must be complete). `padding` makes an
 * event as large as a test needs.
 */

export function cellLoadEvent(fields: { operatorId: string; siteId: string; cellId: string; pilotId?: string | null; padding?: number }): CellLoadWindow & { padding?: string } {
  const windowStart = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
  return {
    schema: CELL_LOAD_SCHEMA,
    id: randomUUID(),
    operatorId: fields.operatorId,
    siteId: fields.siteId,
    cellId: fields.cellId,
    pilotId: fields.pilotId ?? null,
    windowStart,
    windowEnd: new Date(Date.parse(windowStart) + 60_000).toISOString(),
    revision: 0,
    sourceTraceIds: [],
    sampleCount: 4,
    coverage: 1,
    aiGpuMs: 1000,
    capacityGpuMs: 15_000,
    radioGpuMs: 500,
    inferenceLoad: 0.07,
    radioLoad: 0.03,
    headroom: 0.9,
    requests: 10,
    tokens: 100,
    tokensPerSec: 1.7,
    latencyP95Ms: 50,
    prbDlPct: 40,
    prbUlPct: 20,
    thpDlMbps: 100,
    thpUlMbps: 20,
    rrcConnectedUes: 12,
    ...(fields.padding ? { padding: 'x'.repeat(fields.padding) } : {}),
  };
}

export function rollupEvent(scope: RollupWindow['scope'], scopeId: string, operatorId: string): RollupWindow {
  return {
    schema: ROLLUP_SCHEMA,
    id: randomUUID(),
    scope,
    scopeId,
    operatorId,
    windowStart: new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString(),
    version: 1,
    cells: 3,
    aiGpuMs: 30_000,
    capacityGpuMs: 60_000,
    radioGpuMs: 18_750,
    requests: 680,
    tokens: 45_000,
    inferenceLoad: 0.5,
    radioLoad: 0.3125,
  };
}

export function alertEvent(labels: { operator: string; site: string; cell: string; severity: string }): AlertEvent {
  const now = new Date().toISOString();
  return {
    schema: ALERT_SCHEMA,
    id: randomUUID(),
    fingerprint: randomUUID().replace(/-/g, '').slice(0, 16),
    ruleId: 'inference-load-high',
    status: 'firing',
    change: 'state',
    labels: { alertname: 'InferenceLoadHigh', ...labels },
    annotations: {},
    value: 1.2,
    startsAt: now,
    endsAt: null,
    evaluatedAt: now,
    acknowledgement: null,
    assignee: null,
    escalatedAt: null,
    silencedBy: [],
    inhibitedBy: null,
    flapping: false,
    trace: { traceparent: null, sourceTraceIds: [] },
  };
}

export function telemetryReport(operatorId: string, siteId: string): TelemetryReport {
  const ts = Date.now();
  return {
    schema: TELEMETRY_SCHEMA,
    id: randomUUID(),
    operatorId,
    siteId,
    keyId: 'test',
    receivedAt: ts,
    cells: [{ cellId: `${siteId}-c1`, ts, intervalMs: 15_000, prbDlPct: 40 }],
    gpus: [],
    heartbeats: [],
  };
}
