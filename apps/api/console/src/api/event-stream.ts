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

/**
 * Splits an SSE body into events; keeps the unfinished tail for the next chunk. `lastId` is the last
 * `id:` seen, in an event or in a heartbeat (which has no data), so a resumed stream starts past both.
 */
export function parseSseChunk(buffer: string): { events: StreamEvent[]; lastId: string | undefined; rest: string } {
  const events: StreamEvent[] = [];
  let lastId: string | undefined;
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
    if (fields.id !== undefined) lastId = fields.id;
    if (fields.data !== undefined) events.push({ event: fields.event ?? 'message', id: fields.id, data: fields.data });
  }
  return { events, lastId, rest };
}

const RETRY_MS = [500, 1000, 2000, 5000];
/** Before the server has said its heartbeat interval (the api's default is 15 s). */
const DEFAULT_HEARTBEAT_MS = 15_000;
/** Silence for this many heartbeat intervals means the connection is dead, even if TCP has not noticed (a half-open connection). */
const SILENT_INTERVALS = 3;

/**
 * A Server-Sent Events stream read with fetch() (EventSource cannot send the key in a header). A dropped
 * stream resumes with Last-Event-ID, so nothing in between is missed; a position the server can no
 * longer resume from (400/410) starts afresh. A watchdog ends an attempt that hears nothing (no headers,
 * no event, no heartbeat) for a few heartbeat intervals, so a connection that died silently is noticed
 * and resumed. Returns the function that closes it.
 */
export function openEventStream(path: string, handlers: StreamHandlers): () => void {
  let lastEventId: string | undefined;
  let attempt = 0;
  let closed = false;
  let controller: AbortController | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  let heartbeatMs = DEFAULT_HEARTBEAT_MS;
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  const heard = (attemptController: AbortController) => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => attemptController.abort(), SILENT_INTERVALS * heartbeatMs);
  };

  const connect = async (): Promise<void> => {
    const attemptController = (controller = new AbortController());
    handlers.onState(lastEventId ? 'resuming' : 'connecting');
    heard(attemptController);
    try {
      const response = await fetch(path, { headers: { ...authHeaders(), accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) }, signal: attemptController.signal });
      heartbeatMs = Number(response.headers.get('x-heartbeat-interval-ms')) || heartbeatMs;
      heard(attemptController);
      if ((response.status === 400 || response.status === 410) && lastEventId) {
        lastEventId = undefined;
        return void connect();
      }
      if (response.status === 401 || response.status === 403) {
        clearTimeout(watchdog);
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
        heard(attemptController);
        const parsed = parseSseChunk(buffer + value);
        buffer = parsed.rest;
        lastEventId = parsed.lastId ?? lastEventId;
        for (const event of parsed.events) handlers.onEvent(event);
      }
    } catch {
      if (closed) return;
    }
    clearTimeout(watchdog);
    if (closed) return;
    handlers.onState('resuming');
    timer = setTimeout(() => void connect(), RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)]);
  };

  void connect();
  return () => {
    closed = true;
    clearTimeout(timer);
    clearTimeout(watchdog);
    controller?.abort();
  };
}
