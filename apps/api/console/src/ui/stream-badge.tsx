import type { StreamState } from '../api/event-stream';

const TEXT: Readonly<Record<StreamState, string>> = { connecting: 'connecting…', live: 'live', resuming: 'disconnected, resuming…', refused: 'stream refused: check the key' };

/** The live stream's state, announced to screen readers when it changes. */
export function StreamBadge({ state }: { state: StreamState }) {
  return (
    <span class={`stream-badge stream-${state}`} role="status" aria-live="polite">
      {TEXT[state]}
    </span>
  );
}
