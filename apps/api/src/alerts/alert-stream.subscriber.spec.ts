import { EventEmitter } from 'node:events';
import type { AlertEvent } from '@airan/contracts';
import type { RecordedAlertEvent } from './alert-read.repository';
import { AlertStreamSubscriber, type StreamEnd, type StreamSink } from './alert-stream.subscriber';

/** A socket stand-in: records frames; while `full`, each write reports backpressure until `drain()`. */
class FakeSink extends EventEmitter implements StreamSink {
  readonly frames: string[] = [];
  full = false;
  ended?: string | null;

  write(chunk: string): boolean {
    this.frames.push(chunk);
    return !this.full;
  }

  end(chunk?: string): void {
    if (chunk) this.frames.push(chunk);
    this.ended = chunk ?? null;
  }

  drain(): void {
    this.full = false;
    this.emit('drain');
  }

  get ids(): string[] {
    return this.frames.filter((f) => f.startsWith('id: ')).map((f) => f.slice(4, f.indexOf('\n')));
  }
}

const recorded = (seq: number, labels: Record<string, string> = { operator: 'kt', site: 'kt-1', severity: 'warning' }): RecordedAlertEvent => ({
  seq,
  event: { id: `e${seq}`, fingerprint: '00ff00ff00ff00ff', status: 'firing', labels } as unknown as AlertEvent,
});

describe('AlertStreamSubscriber', () => {
  let sink: FakeSink;
  let ended: StreamEnd[];
  const subscribe = (filter = {}, maxQueued = 3, resumeAfter?: number) => new AlertStreamSubscriber(sink, filter, maxQueued, (reason) => ended.push(reason), resumeAfter);

  beforeEach(() => {
    sink = new FakeSink();
    ended = [];
  });

  it('writes each event as an SSE frame: id, event type, the AlertEvent as data', () => {
    subscribe().offer(recorded(1));
    expect(sink.frames).toEqual([`id: e1\nevent: alert\ndata: ${JSON.stringify(recorded(1).event)}\n\n`]);
  });

  it('sends only events whose labels match every filter given', () => {
    const subscriber = subscribe({ operator: 'kt', severity: 'critical' });
    subscriber.offer(recorded(1));
    subscriber.offer(recorded(2, { operator: 'kt', site: 'kt-1', severity: 'critical' }));
    subscriber.offer(recorded(3, { operator: 'skt', site: 'skt-1', severity: 'critical' }));
    expect(sink.ids).toEqual(['e2']);
  });

  it('replays missed events first, holds live ones meanwhile, and sends each once in commit order', async () => {
    const subscriber = subscribe({}, 10, 1);
    subscriber.offer(recorded(3));
    subscriber.offer(recorded(4));
    expect(sink.ids).toEqual([]);
    // The replay read happened after 3 was committed: it has 2 and 3.
    await subscriber.replay(recorded(2));
    await subscriber.replay(recorded(3));
    subscriber.goLive();
    subscriber.offer(recorded(5));
    expect(sink.ids).toEqual(['e2', 'e3', 'e4', 'e5']);
  });

  it('waits for the socket during a replay', async () => {
    const subscriber = subscribe({}, 10, 0);
    sink.full = true;
    let replayed = false;
    const replay = subscriber.replay(recorded(1)).then(() => (replayed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(replayed).toBe(false);
    sink.drain();
    await replay;
    expect(replayed).toBe(true);
  });

  it('queues while the socket is full and flushes on drain', () => {
    const subscriber = subscribe();
    sink.full = true;
    subscriber.offer(recorded(1));
    subscriber.offer(recorded(2));
    subscriber.offer(recorded(3));
    expect(sink.ids).toEqual(['e1']);
    sink.drain();
    expect(sink.ids).toEqual(['e1', 'e2', 'e3']);
  });

  it('disconnects a client more than maxQueued events behind with a final overflow event', () => {
    const subscriber = subscribe({}, 3);
    sink.full = true;
    for (const seq of [1, 2, 3, 4, 5]) subscriber.offer(recorded(seq));
    expect(sink.ended).toMatch(/^event: overflow\ndata: \{"message":"more than 3 events behind; reconnect with Last-Event-ID to resume"\}\n\n$/);
    expect(subscriber.isEnded).toBe(true);
    expect(ended).toEqual(['overflow']);
    sink.drain();
    subscriber.offer(recorded(6));
    expect(sink.ids).toEqual(['e1']);
  });

  it('counts live events held during a replay towards the limit', () => {
    const subscriber = subscribe({}, 2, 0);
    for (const seq of [1, 2, 3]) subscriber.offer(recorded(seq));
    expect(sink.ended).toMatch(/^event: overflow/);
  });

  it('ends from the server side once', () => {
    const subscriber = subscribe();
    subscriber.end();
    subscriber.end();
    sink.emit('close');
    expect([sink.ended, ended]).toEqual([null, ['server']]);
  });

  it('sends heartbeats only on idle streams', () => {
    const subscriber = subscribe();
    subscriber.heartbeat();
    expect(sink.frames).toEqual([': heartbeat\n\n']);
    sink.full = true;
    subscriber.offer(recorded(1));
    subscriber.heartbeat();
    expect(sink.frames).toHaveLength(2);
  });

  it('forgets a client that went away, once', () => {
    const subscriber = subscribe();
    sink.emit('close');
    subscriber.offer(recorded(1));
    subscriber.end();
    expect(sink.frames).toEqual([]);
    expect(sink.ended).toBeUndefined();
    expect(ended).toEqual(['client']);
    expect(sink.listenerCount('close') + sink.listenerCount('drain')).toBe(0);
  });
});
