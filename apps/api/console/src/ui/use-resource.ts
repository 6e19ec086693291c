import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export type Resource<T> = { readonly status: 'loading' } | { readonly status: 'error'; readonly error: unknown } | { readonly status: 'ready'; readonly data: T };

/**
 * Loads `load` whenever `deps` change and every `refreshMs` after; a refresh keeps showing the last data
 * (no flash of "loading"), and a stale answer never overwrites a newer one.
 */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[], refreshMs?: number): { resource: Resource<T>; reload: () => void } {
  const [resource, setResource] = useState<Resource<T>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    const controller = new AbortController();
    const run = async () => {
      const ticket = ++latest.current;
      try {
        const data = await load(controller.signal);
        if (ticket === latest.current) setResource({ status: 'ready', data });
      } catch (error) {
        if (!controller.signal.aborted && ticket === latest.current) setResource({ status: 'error', error });
      }
    };
    setResource((previous) => (previous.status === 'ready' && generation > 0 ? previous : { status: 'loading' }));
    void run();
    const timer = refreshMs ? setInterval(() => void run(), refreshMs) : undefined;
    return () => {
      controller.abort();
      clearInterval(timer);
    };
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { resource, reload };
}
