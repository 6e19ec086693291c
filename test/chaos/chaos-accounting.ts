import type { Client } from 'pg';
import type { SimOperator } from '@airan/demo-fleet';
import type { Delivery } from '../bench/alert-receiver';
import type { Finding } from './chaos-finding';
import { type AlertAccounting, type CellLoadAccounting, accountAlerts, accountCellLoad } from './chaos-events';
import { type SampleAccounting, accountSamples } from './chaos-samples';
import type { Outcome } from './chaos-traffic';
import { type WindowAccounting, recomputeWindows } from './chaos-windows';

export interface Accounting {
  readonly samples: SampleAccounting;
  readonly windows: WindowAccounting;
  readonly cellLoad: CellLoadAccounting;
  readonly alerts: AlertAccounting;
}

/** What counts as lost or doubled: the campaign fails on any of these. */
export function failures(a: Accounting): string[] {
  const checks: Array<[string, Finding]> = [
    ['samples answered 2xx and not stored', a.samples.lostAccepted],
    ['samples stored more than once', a.samples.doubled],
    ['reports stored in part', a.samples.partial],
    ['samples stored that were never sent', a.samples.unexpected],
    ['windows that differ from their recomputation', a.windows.mismatched],
    ['window revisions missing on airan.cell-load.v1', a.cellLoad.missing],
    ['unknown ids on airan.cell-load.v1', a.cellLoad.unknown],
    ['cell-load ids whose copies differ', a.cellLoad.inconsistent],
    ['alert transitions missing on airan.alerts.v1', a.alerts.missingOnTopic],
    ['unknown ids on airan.alerts.v1', a.alerts.unknownOnTopic],
    ['firing or resolved transitions without a notification', a.alerts.notNotified],
    ['notifications never received by the webhook', a.alerts.missingAtWebhook],
  ];
  return checks.filter(([, f]) => f.count > 0).map(([what, f]) => `${f.count} ${what}: ${f.examples.join(', ')}`);
}

/**
 * The accounting after the campaign, from what the traffic was told, what Postgres holds, what the topics
 * hold and what the webhook receiver got. Run once every consumer has caught up.
 */
export async function account(input: {
  readonly db: Client;
  readonly topicPrefix: string;
  readonly operators: readonly SimOperator[];
  readonly outcomes: ReadonlyMap<string, Outcome>;
  readonly windowMs: number;
  readonly deliveries: readonly Delivery[];
}): Promise<Accounting> {
  return {
    samples: await accountSamples(input.db, input.topicPrefix, input.operators, input.outcomes),
    windows: await recomputeWindows(input.db, input.operators, input.windowMs),
    cellLoad: await accountCellLoad(input.db, input.topicPrefix),
    alerts: await accountAlerts(input.db, input.topicPrefix, input.deliveries),
  };
}
