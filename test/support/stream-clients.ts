import { type IncomingMessage, request } from 'node:http';
import WebSocket from 'ws';
import { eventually } from './stack';

/** One event a live stream delivered: its position (SSE `id`, WebSocket `position`) and its decoded data. */
export interface StreamedEvent<T = Record<string, unknown>> {
  readonly position: string;
  readonly data: T;
}

/** A refused stream: the HTTP status and JSON body the api answered instead of the stream. */
export class StreamRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: { error?: { code?: string; details?: Array<{ path: string }> } },
  ) {
    super(`stream refused with ${status}: ${JSON.stringify(body)}`);
  }
}

/** The marker a stream ends with when the server ends it: why, and where to resume. */
export interface StreamCut {
  readonly reason: string;
  readonly position: string;
}

/** What both clients offer the tests. */
export interface LiveStreamClient {
  readonly events: StreamedEvent[];
  /** The server's final marker, once received. */
  readonly cut?: StreamCut;
  readonly heartbeats: number;
  /** The latest position the stream named (event, heartbeat or marker): where a client resumes from. */
  readonly position?: string;
  /** Goes away right after the `count`-th event, mid-chunk, ignoring whatever else had arrived: a cut mid-stream. */
  closeAfter(count: number): void;
  /** Stops reading from the socket (the kernel's buffers fill, then the server's), or reads on. */
  pause(): void;
  resume(): void;
  /** The client goes away, mid-stream if need be. */
  close(): void;
  readonly ended: Promise<void>;
}

/** Waits until `client` has received `count` events. */
export function receive(client: LiveStreamClient, count: number, timeoutMs = 60_000): Promise<void> {
  return eventually(async () => {
    if (client.events.length < count) throw new Error(`received ${client.events.length} of ${count} events`);
  }, timeoutMs, 20);
}

interface SseFrame {
  readonly id?: string;
  readonly event?: string;
  readonly data?: string;
}

/**
 * A Server-Sent Events client on node:http (so a test can stop reading the socket), as EventSource
 * reads a stream: frames split on blank lines, `id` remembered as the position, comments counted.
 */
export class SseClient implements LiveStreamClient {
  readonly events: StreamedEvent[] = [];
  readonly frames: SseFrame[] = [];
  cut?: StreamCut;
  heartbeats = 0;
  /** EventSource's "last event ID": the latest `id` seen, with or without an event. */
  position?: string;
  readonly ended: Promise<void>;
  private closeAt = Infinity;
  private closed = false;

  private constructor(private readonly response: IncomingMessage) {
    this.ended = new Promise((resolve) => {
      response.once('close', resolve);
      response.once('error', resolve);
    });
    let buffer = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf('\n\n'); end >= 0 && !this.closed; end = buffer.indexOf('\n\n')) {
        this.frame(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    });
  }

  /** Opens a stream; resolves once the api answered 200 (the stream's start is fixed then), rejects with StreamRefused otherwise. */
  static open(url: string, key: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const req = request(url, { headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers } }, (response) => {
        if (response.statusCode === 200) {
          expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
          return resolve(new SseClient(response));
        }
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => reject(new StreamRefused(response.statusCode!, JSON.parse(body))));
      });
      req.on('error', reject);
      req.end();
    });
  }

  pause(): void {
    this.response.pause();
  }

  resume(): void {
    this.response.resume();
  }

  close(): void {
    this.closed = true;
    this.response.destroy();
  }

  closeAfter(count: number): void {
    this.closeAt = count;
  }

  private frame(text: string): void {
    const fields: Record<string, string> = {};
    for (const line of text.split('\n')) {
      if (line.startsWith(':')) this.heartbeats++;
      else fields[line.slice(0, line.indexOf(':'))] = line.slice(line.indexOf(':') + 2);
    }
    const frame = fields as SseFrame;
    this.frames.push(frame);
    if (frame.id !== undefined) this.position = frame.id;
    if (frame.event === 'cut') this.cut = JSON.parse(frame.data!) as StreamCut;
    else if (frame.event !== undefined) this.events.push({ position: frame.id!, data: JSON.parse(frame.data!) as Record<string, unknown> });
    if (this.events.length >= this.closeAt) this.close();
  }
}

interface WsMessage {
  readonly type: 'event' | 'heartbeat' | 'cut';
  readonly event?: string;
  readonly position: string;
  readonly reason?: string;
  readonly data?: Record<string, unknown>;
}

/** A WebSocket client (the `ws` package) of a live stream: JSON messages, the close code and reason. */
export class WsClient implements LiveStreamClient {
  readonly events: StreamedEvent[] = [];
  readonly messages: WsMessage[] = [];
  cut?: StreamCut;
  heartbeats = 0;
  position?: string;
  closing?: { code: number; reason: string };
  readonly ended: Promise<void>;
  private closeAt = Infinity;
  private closed = false;

  private constructor(private readonly socket: WebSocket) {
    this.ended = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('close', (code, reason) => (this.closing = { code, reason: reason.toString() }));
    socket.on('message', (data) => {
      if (this.closed) return;
      const message = JSON.parse(data.toString()) as WsMessage;
      this.messages.push(message);
      this.position = message.position;
      if (message.type === 'event') this.events.push({ position: message.position, data: message.data! });
      else if (message.type === 'heartbeat') this.heartbeats++;
      else this.cut = { reason: message.reason!, position: message.position };
      if (this.events.length >= this.closeAt) this.close();
    });
  }

  /** Opens a stream (`url` is http://…; the path is the same); resolves once the handshake is done, rejects with StreamRefused when the api answers HTTP instead. */
  static open(url: string, key: string, headers: Record<string, string> = {}): Promise<WsClient> {
    const socket = new WebSocket(url.replace(/^http/, 'ws'), { headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers } });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new WsClient(socket)));
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => reject(new StreamRefused(response.statusCode!, JSON.parse(body))));
      });
    });
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  close(): void {
    this.closed = true;
    this.socket.terminate();
  }

  closeAfter(count: number): void {
    this.closeAt = count;
  }
}

export type StreamClientKind = 'sse' | 'websocket';

/** Opens a stream of either kind; the position goes where each kind of client can put it (Last-Event-ID header, `lastEventId` query parameter). */
export function openStream(kind: StreamClientKind, url: string, key: string, position?: string): Promise<LiveStreamClient> {
  if (kind === 'sse') return SseClient.open(url, key, position ? { 'last-event-id': position } : {});
  const withPosition = position ? `${url}${url.includes('?') ? '&' : '?'}lastEventId=${encodeURIComponent(position)}` : url;
  return WsClient.open(withPosition, key);
}

/**
 * A well-behaved client reading `count` events from `first` on: whenever its stream ends (the api cut
 * it as too slow, say), it reconnects from the last position it saw. `done` has every event received.
 */
export class Follower {
  private readonly earlier: StreamedEvent[] = [];
  private client: LiveStreamClient;
  readonly done: Promise<StreamedEvent[]>;

  constructor(first: LiveStreamClient, count: number, reopen: (position: string | undefined) => Promise<LiveStreamClient>) {
    this.client = first;
    this.done = this.follow(count, reopen);
  }

  get received(): number {
    return this.earlier.length + this.client.events.length;
  }

  private async follow(count: number, reopen: (position: string | undefined) => Promise<LiveStreamClient>): Promise<StreamedEvent[]> {
    for (;;) {
      let ended = false;
      void this.client.ended.then(() => (ended = true));
      await eventually(async () => {
        if (this.received < count && !ended) throw new Error(`received ${this.received} of ${count} events`);
      }, 120_000, 20);
      this.earlier.push(...this.client.events);
      if (this.earlier.length >= count) return this.earlier;
      this.client = await reopen(this.client.position);
    }
  }
}

/** Whether `position` has passed every partition's `ends` (the next offset to be written). */
export function reached(position: string | undefined, ends: ReadonlyMap<number, number>): boolean {
  const offsets = new Map((position ?? '').split('.').map((entry) => entry.split(':').map(Number) as [number, number]));
  return [...ends].every(([partition, end]) => (offsets.get(partition) ?? -1) >= end);
}

/** Waits until `client` has passed everything its topic held at `ends` (sent, or left out by its filter). */
export function passed(client: LiveStreamClient, ends: ReadonlyMap<number, number>, timeoutMs = 60_000): Promise<void> {
  return eventually(async () => {
    if (!reached(client.position, ends)) throw new Error(`stream at ${client.position}, topic ends at ${[...ends].map(([p, o]) => `${p}:${o}`).join('.')}`);
  }, timeoutMs, 20);
}

/** How a stream open was refused (status and error body), for either kind of client. */
export async function refusal(kind: StreamClientKind, url: string, key: string, headers: Record<string, string> = {}): Promise<StreamRefused> {
  const open = kind === 'sse' ? SseClient.open(url, key, headers) : WsClient.open(url, key, headers);
  const client = await open.catch((error: unknown) => error);
  if (client instanceof StreamRefused) return client;
  if (client && typeof (client as LiveStreamClient).close === 'function') (client as LiveStreamClient).close();
  throw new Error(`expected the stream to be refused, got ${client instanceof Error ? client.message : 'a stream'}`);
}
