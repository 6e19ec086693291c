/** A dependency whose reachability decides readiness (Kafka, Postgres, ...). */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

export interface ReadinessReport {
  readonly status: 'ok' | 'unavailable';
  readonly checks: Record<string, { status: 'ok' | 'down'; error?: string }>;
}

export async function runReadinessChecks(checks: readonly ReadinessCheck[], timeoutMs = 2000): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async (c) => {
      try {
        await withTimeout(c.check(), timeoutMs, `${c.name} check timed out after ${timeoutMs} ms`);
        return [c.name, { status: 'ok' as const }] as const;
      } catch (error) {
        return [c.name, { status: 'down' as const, error: (error as Error).message }] as const;
      }
    }),
  );
  const down = results.some(([, r]) => r.status === 'down');
  return { status: down ? 'unavailable' : 'ok', checks: Object.fromEntries(results) };
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
