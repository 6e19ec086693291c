import { type AppName, ServiceProcess } from './service-process';

/**
 * Starts several apps at once, each with its own environment, and resolves once all are ready. When
 * one does not come up, the others are stopped before the error is thrown: a failed start leaves no
 * process behind for the caller's cleanup to miss (Jest would wait on it).
 */
export async function startServices<A extends AppName>(envs: Record<A, Record<string, string>>): Promise<Record<A, ServiceProcess>> {
  const apps = Object.keys(envs) as A[];
  const results = await Promise.allSettled(apps.map((app) => ServiceProcess.start(app, envs[app])));
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) {
    await Promise.all(started.map((s) => s.stop()));
    throw failure.reason;
  }
  return Object.fromEntries(started.map((s) => [s.app, s])) as Record<A, ServiceProcess>;
}
