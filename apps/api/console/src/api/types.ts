/** The api's rows and events as the console reads them (the contracts are `/openapi.json`'s schemas). */
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

export type AlertStatus = 'pending' | 'firing' | 'resolved' | 'nodata';

export interface AlertEvent {
  readonly id: string;
  readonly fingerprint: string;
  readonly ruleId: string;
  readonly status: AlertStatus;
  readonly change: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly value: number | null;
  readonly startsAt: string;
  readonly endsAt: string | null;
  readonly evaluatedAt: string;
  readonly occurredAt?: string;
  readonly acknowledgement: { readonly by: string; readonly at: string; readonly comment: string } | null;
  readonly assignee: string | null;
  readonly silencedBy: readonly string[];
  readonly inhibitedBy: string | null;
  readonly flapping: boolean;
  readonly trace: { readonly traceparent: string | null; readonly sourceTraceIds: readonly string[] };
}

export const isActive = (alert: AlertEvent): boolean => alert.status !== 'resolved';
