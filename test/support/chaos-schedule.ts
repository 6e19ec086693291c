import { createPrng } from '@airan/demo-fleet';

/**
 * The chaos campaign's fault schedule (test/chaos/): a pure function of its seed and counts, so a run that
 * found something can be replayed fault for fault (CHAOS_SEED). Unit-tested in chaos-schedule.spec.ts.
 */

export const KILLABLE = ['ingest', 'load', 'alerting', 'api', 'share'] as const;
export type Killable = (typeof KILLABLE)[number];

export type Fault =
  | { readonly atMs: number; readonly kind: 'kill'; readonly service: Killable }
  | { readonly atMs: number; readonly kind: 'broker'; readonly hard: boolean }
  | { readonly atMs: number; readonly kind: 'postgres' };

export interface ScheduleOptions {
  readonly seed: number;
  /** Length of the traffic phase; faults fall inside it, after `quietMs` and before its last `quietMs`. */
  readonly durationMs: number;
  readonly quietMs: number;
  readonly kills: number;
  readonly brokerRestarts: number;
  readonly postgresRestarts: number;
}

/**
 * Kills at uniformly random times, every service as often as the others (±1) in a shuffled order; broker and
 * Postgres restarts one per equal slot of the faulty span (jittered within its middle half), so that two
 * infrastructure restarts never pile up and each has time to recover before the next. Broker restarts
 * alternate between a graceful stop and SIGKILL. Sorted by time.
 */
export function chaosSchedule(o: ScheduleOptions): Fault[] {
  const random = createPrng(o.seed);
  const from = o.quietMs;
  const span = o.durationMs - 2 * o.quietMs;
  if (span <= 0) throw new RangeError(`duration ${o.durationMs} ms leaves no time for faults between two quiet spells of ${o.quietMs} ms`);
  const at = (fraction: number) => Math.round(from + fraction * span);
  const services = Array.from({ length: o.kills }, (_, i) => KILLABLE[i % KILLABLE.length]);
  for (let i = services.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [services[i], services[j]] = [services[j], services[i]];
  }
  const faults: Fault[] = services.map((service) => ({ atMs: at(random()), kind: 'kill', service }));
  // Infrastructure restarts share one set of slots, interleaved, so broker and Postgres never overlap either.
  const infra: Array<'broker' | 'postgres'> = [];
  for (let i = 0; i < Math.max(o.brokerRestarts, o.postgresRestarts); i++) {
    if (i < o.brokerRestarts) infra.push('broker');
    if (i < o.postgresRestarts) infra.push('postgres');
  }
  let brokers = 0;
  infra.forEach((kind, slot) => {
    const atMs = at((slot + 0.25 + random() * 0.5) / infra.length);
    faults.push(kind === 'broker' ? { atMs, kind, hard: brokers++ % 2 === 1 } : { atMs, kind });
  });
  return faults.sort((a, b) => a.atMs - b.atMs);
}
