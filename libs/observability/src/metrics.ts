import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

/** One Prometheus registry per process: process metrics plus each feature's own. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'airan_' });

export function counter(name: string, help: string, labelNames: readonly string[] = []) {
  return new Counter({ name, help, labelNames, registers: [metricsRegistry] });
}
