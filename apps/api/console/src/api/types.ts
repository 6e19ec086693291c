/**
 * What the console reads. Events and the notification record are the platform's own contract types
 * (type-only imports: nothing of zod reaches the bundle); history rows are the api's dataset columns.
 */
export type { AlertEvent, AlertStatus } from '../../../../../libs/contracts/src/alerts';
export type { AlertNotification } from '../../../../../libs/rule-engine/src/ops-requests.schema';
export interface CellWindow {
  readonly cellId: string;
  readonly siteId: string;
  readonly operatorId: string;
  readonly pilotId: string | null;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly revision: number;
  readonly inferenceLoad: number | null;
  readonly radioLoad: number | null;
  readonly headroom: number | null;
  readonly coverage: number;
  readonly tokensPerSec: number;
  readonly latencyP95Ms: number | null;
}

export interface RollupWindow {
  readonly scope: string;
  readonly scopeId: string;
  readonly windowStart: string;
  readonly cells: number;
  readonly aiGpuUs: string | number;
  readonly capacityGpuUs: string | number;
  readonly radioGpuUs: string | number;
}

export interface GpuSample {
  readonly node: string;
  readonly device: string;
  readonly ts: string;
  readonly siteId: string;
  readonly operatorId: string;
  readonly utilPct: number | null;
  readonly radioShare: number | null;
  readonly aiShare: number | null;
  readonly memUsedMib: number | null;
  readonly powerW: number | null;
  readonly tempC: number | null;
}
