import type { Fault, Killable } from '../support/chaos-schedule';
import type { ChaosStack } from './chaos-stack';
import type { ChaosTraffic } from './chaos-traffic';
import type { OwnKafka } from './own-kafka';
import type { OwnPostgres } from './own-postgres';

/** What a fault kind is called in reports: `kill load`, `broker (SIGKILL)`, `postgres`. */
export function faultKind(f: Fault): string {
  return f.kind === 'kill' ? `kill ${f.service}` : f.kind === 'broker' ? `broker ${f.hard ? '(SIGKILL)' : '(graceful)'}` : 'postgres (crash)';
}

export interface InjectedFault {
  readonly kind: string;
  /** Milliseconds after the traffic started: planned, and when the fault was done (the restart command returned, for the broker and Postgres). */
  readonly plannedMs: number;
  readonly injectedMs: number;
  readonly doneMs: number;
  /**
   * From injection until the fault was over: a killed service's new process answers ready (ingest also
   * answered 2xx again); after a broker or Postgres restart, every service answers ready and ingest has
   * answered 2xx since. Null if that never happened.
   */
  readonly recoverySeconds: number | null;
  readonly error?: string;
}

/** How long recovery is waited for before a fault counts as not recovered (the campaign goes on regardless). */
const RECOVERY_TIMEOUT_MS = 300_000;

/**
 * Runs the schedule against the stack: each fault at its time, without waiting for the previous one to
 * recover (kills land during broker restarts, as they would); broker and Postgres restarts one after the
 * other. Resolves with every fault and its recovery time once the last one has recovered (or timed out).
 */
export async function injectFaults(
  schedule: readonly Fault[],
  startedAt: number,
  targets: { readonly stack: ChaosStack; readonly kafka: OwnKafka; readonly postgres: OwnPostgres; readonly traffic: ChaosTraffic },
  onInjected: (count: number) => void,
): Promise<InjectedFault[]> {
  const { stack, kafka, postgres, traffic } = targets;
  let infra: Promise<unknown> = Promise.resolve();
  let injected = 0;
  const runs = schedule.map(async (fault): Promise<InjectedFault> => {
    await sleepUntil(startedAt + fault.atMs);
    const act = () => (fault.kind === 'kill' ? stack.kill(fault.service) : fault.kind === 'broker' ? kafka.restart(fault.hard) : postgres.restart());
    const turn = fault.kind === 'kill' ? Promise.resolve() : infra;
    const at = { injected: 0, done: 0 };
    const acted = turn.then(async () => {
      at.injected = Date.now();
      onInjected(++injected);
      await act();
      at.done = Date.now();
    });
    if (fault.kind !== 'kill') infra = acted.catch(() => undefined);
    let error: string | undefined;
    await acted.catch((e: Error) => (error = e.message));
    const recoveredAt = error === undefined ? await recovery(stack, traffic, at.done, fault.kind === 'kill' ? fault.service : undefined) : null;
    return {
      kind: faultKind(fault),
      plannedMs: fault.atMs,
      injectedMs: at.injected - startedAt,
      doneMs: (at.done || Date.now()) - startedAt,
      recoverySeconds: recoveredAt === null ? null : (recoveredAt - at.injected) / 1000,
      ...(error === undefined ? {} : { error }),
    };
  });
  return Promise.all(runs);
}

async function recovery(stack: ChaosStack, traffic: ChaosTraffic, doneAt: number, killed: Killable | undefined): Promise<number | null> {
  const deadline = doneAt + RECOVERY_TIMEOUT_MS;
  const needsIngest = killed === undefined || killed === 'ingest';
  while (Date.now() < deadline) {
    const ready = killed === undefined ? await stack.allReady() : await stack.ready(killed);
    if (ready && (!needsIngest || traffic.lastAcceptedAt > doneAt)) return Date.now();
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return null;
}

async function sleepUntil(at: number): Promise<void> {
  const wait = at - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
