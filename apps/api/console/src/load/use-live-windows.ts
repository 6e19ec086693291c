import { useEffect, useRef, useState } from 'preact/hooks';
import { type Query, historyRows, withQuery } from '../api/api-client';
import { type StreamState, openEventStream } from '../api/event-stream';
import type { CellWindow } from '../api/types';

const key = (w: CellWindow) => `${w.cellId}|${w.windowStart}`;

/**
 * The recent windows of a scope: history first, then the cell-load stream's new windows and revisions
 * merged in (the highest revision wins), re-rendered at most once per animation frame however many
 * arrive. Windows older than `minutes` are dropped as new ones come.
 */
export function useLiveWindows(filters: Query, minutes: number): { windows: readonly CellWindow[] | undefined; error: unknown; state: StreamState } {
  const [windows, setWindows] = useState<readonly CellWindow[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [state, setState] = useState<StreamState>('connecting');
  const filterKey = JSON.stringify(filters);
  const store = useRef(new Map<string, CellWindow>());
  useEffect(() => {
    const controller = new AbortController();
    const byKey = (store.current = new Map());
    let frame = 0;
    let loaded = false;
    const pending: CellWindow[] = [];
    const merge = (arrived: readonly CellWindow[]) => {
      for (const w of arrived) {
        const seen = byKey.get(key(w));
        if (!seen || w.revision >= seen.revision) byKey.set(key(w), w);
      }
    };
    const flush = () => {
      frame = 0;
      const horizon = new Date(Date.now() - minutes * 60_000).toISOString();
      merge(pending.splice(0));
      for (const [k, w] of byKey) if (w.windowStart < horizon) byKey.delete(k);
      setWindows([...byKey.values()]);
    };
    const schedule = () => { if (loaded && !frame) frame = requestAnimationFrame(flush); };
    const close = openEventStream(withQuery('/v1/streams/cell-load', filters), {
      onFresh: () => {},
      onEvent: (event) => { if (event.event === 'cell-load') { pending.push(JSON.parse(event.data) as CellWindow); schedule(); } },
      onState: (next) => setState(next),
    });
    historyRows<CellWindow>('cell-load', { ...filters, from: new Date(Date.now() - minutes * 60_000).toISOString() }, 200_000, controller.signal)
      .then((rows) => { merge(rows); loaded = true; flush(); })
      .catch((failure) => { if (!controller.signal.aborted) setError(failure); });
    return () => {
      controller.abort();
      cancelAnimationFrame(frame);
      close();
    };
  }, [filterKey, minutes]);
  return { windows, error, state };
}
