import { counter } from '@airan/observability';

const stepSeconds = counter('airan_load_step_seconds_total', 'Wall time spent in each step of applying telemetry batches (summed over partitions applied in parallel)', ['step']);

/** Runs `fn` and adds its wall time to `airan_load_step_seconds_total{step}`. */
export async function timed<T>(step: string, fn: () => Promise<T> | T): Promise<T> {
  const started = performance.now();
  try {
    return await fn();
  } finally {
    stepSeconds.inc({ step }, (performance.now() - started) / 1000);
  }
}
