import { authHeaders } from './api-client';

export type StreamState = 'connecting' | 'live' | 'resuming' | 'refused';

export interface StreamEvent {
  readonly event: string;
  readonly id: string | undefined;
  readonly data: string;
}

export interface StreamHandlers {
  /** Called before events start flowing on a fresh connection (not a resumed one): reload any snapshot. */
  readonly onFresh: () => void;
  readonly onEvent: (event: StreamEvent) => void;
  readonly onState: (state: StreamState, detail?: string) => void;
}

/** Splits an SSE body into events; keeps the unfinished tail for the next chunk. */
export function parseSseChunk(buffer: string): { events: StreamEvent[]; rest: string } {
  const events: StreamEvent[] = [];
  let rest = buffer.replace(/\r\n/g, '\n');
  let end: number;
  while ((end = rest.indexOf('\n\n')) >= 0) {
    const fields: Record<string, string> = {};
    for (const line of rest.slice(0, end).split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const name = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      fields[name] = name === 'data' && fields.data !== undefined ? `${fields.data}\n${value}` : value;
    }
    rest = rest.slice(end + 2);
    if (fields.data !== undefined) events.push({ event: fields.event ?? 'message', id: fields.id, data: fields.data });
  }
  return { events, rest };
}

const RETRY_MS = [500, 1000, 2000, 5000];

/**
 * A Server-Sent Events stream read with fetch() (EventSource cannot send the key in a header). A dropped
 * stream resumes with Last-Event-ID, so nothing in between is missed; a position the server can no
 * longer resume from (400/410) starts afresh. Returns the function that closes it.
 */
export function openEventStream(path: string, handlers: StreamHandlers): () => void {
  let lastEventId: string | undefined;
  let attempt = 0;
  let closed = false;
  let controller: AbortController | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const connect = async (): Promise<void> => {
    controller = new AbortController();
    handlers.onState(lastEventId ? 'resuming' : 'connecting');
    try {
      const response = await fetch(path, { headers: { ...authHeaders(), accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) }, signal: controller.signal });
      if ((response.status === 400 || response.status === 410) && lastEventId) {
        lastEventId = undefined;
        return void connect();
      }
      if (response.status === 401 || response.status === 403) {
        handlers.onState('refused', `${response.status}`);
        return;
      }
      if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
      if (!lastEventId) handlers.onFresh();
      handlers.onState('live');
      attempt = 0;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const parsed = parseSseChunk(buffer + value);
        buffer = parsed.rest;
        for (const event of parsed.events) {
          if (event.id) lastEventId = event.id;
          handlers.onEvent(event);
        }
      }
    } catch {
      if (closed) return;
    }
    if (closed) return;
    handlers.onState('resuming');
    timer = setTimeout(() => void connect(), RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)]);
  };

  void connect();
  return () => {
    closed = true;
    clearTimeout(timer);
    controller?.abort();
  };
}
