import { useEffect, useRef, useState } from 'preact/hooks';
import { currentAlerts, getJson } from '../api/api-client';
import { type StreamState, openEventStream } from '../api/event-stream';
import type { AlertEvent } from '../api/types';
import { AlertBoard } from './alert-board.model';

/**
 * The live alert board: the stream of alert changes, and on every fresh connection a snapshot of the
 * current alerts (every active one, page by page, and the latest thousand resolved). However many changes arrive, the view re-renders at most once per animation frame.
 */
export function useAlertBoard(): { board: AlertBoard; revision: number; state: StreamState } {
  const board = useRef(new AlertBoard()).current;
  const [revision, setRevision] = useState(0);
  const [state, setState] = useState<StreamState>('connecting');
  useEffect(() => {
    let frame = 0;
    const changed = () => { if (!frame) frame = requestAnimationFrame(() => { frame = 0; setRevision(board.revision); }); };
    const close = openEventStream('/v1/alerts/stream', {
      onFresh: () => {
        board.clear();
        // Every active alert, and the latest resolved ones (resolved alerts only accumulate).
        Promise.all([currentAlerts({ active: 'true' }), getJson<{ alerts: AlertEvent[] }>('/v1/alerts', { active: 'false', limit: 1000 })])
          .then(([active, resolved]) => { board.applySnapshot([...active, ...resolved.alerts]); changed(); })
          .catch(() => setState('resuming'));
      },
      onEvent: (event) => { if (event.event === 'alert') { board.applyEvent(JSON.parse(event.data) as AlertEvent); changed(); } },
      onState: setState,
    });
    return () => { cancelAnimationFrame(frame); close(); };
  }, [board]);
  return { board, revision, state };
}
