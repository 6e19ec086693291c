import { StreamBufferPolicy } from './stream-buffer.policy';
import { type StreamEndReason, type StreamRecord, StreamSession, type StreamSink } from './stream.session';

/** A sink that records what was written; `bufferedBytes` grows with every write until `take()` (the client reading). */
class FakeSink implements StreamSink {
  readonly frames: Array<{ kind: string; json?: string; position: string; reason?: string; graceMs?: number }> = [];
  bufferedBytes = 0;
  private closed?: () => void;

  event(json: string, position: string): void {
    this.frames.push({ kind: 'event', json, position });
    this.bufferedBytes += json.length;
  }
  heartbeat(position: string): void {
    this.frames.push({ kind: 'heartbeat', position });
  }
  close(reason: string, position: string, graceMs: number): void {
    this.frames.push({ kind: 'cut', reason, position, graceMs });
  }
  flushed(): Promise<void> {
    return Promise.resolve();
  }
  onClosed(listener: () => void): void {
    this.closed = listener;
  }
  take(): void {
    this.bufferedBytes = 0;
  }
  clientLeaves(): void {
    this.closed?.();
  }
}

const record = (partition: number, offset: number, site = 's1', size = 10): StreamRecord => ({ partition, offset, event: { siteId: site }, json: 'x'.repeat(size) });

function session(options: { start?: number[]; maxBytes?: number; site?: string } = {}) {
  const sink = new FakeSink();
  const ends: StreamEndReason[] = [];
  const s = new StreamSession({
    sink,
    start: options.start ?? [0, 0],
    select: (record) => (options.site === undefined || (record.event as { siteId: string }).siteId === options.site ? record.json : undefined),
    policy: new StreamBufferPolicy(options.maxBytes ?? 1000),
    cutGraceMs: 5000,
    onEnd: (reason) => ends.push(reason),
  });
  return { s, sink, ends };
}

describe('StreamSession', () => {
  it('writes each event with the position after it', () => {
    const { s, sink } = session();
    s.deliver(record(1, 0));
    s.deliver(record(0, 0));
    s.deliver(record(1, 1));
    expect(sink.frames.map((f) => f.position)).toEqual(['0:0.1:1', '0:1.1:1', '0:1.1:2']);
    expect(s.position).toBe('0:1.1:2');
  });

  it('passes each offset once: records at or before its position are skipped', () => {
    const { s, sink } = session({ start: [5, 0] });
    [record(0, 3), record(0, 5), record(0, 5), record(0, 4), record(0, 6)].forEach((r) => s.deliver(r));
    expect(sink.frames.map((f) => f.position)).toEqual(['0:6.1:0', '0:7.1:0']);
  });

  it('moves past events its filter leaves out without writing them', () => {
    const { s, sink } = session({ site: 's2' });
    s.deliver(record(0, 0, 's1'));
    s.deliver(record(0, 1, 's2'));
    s.deliver(record(0, 2, 's1'));
    expect(sink.frames).toEqual([{ kind: 'event', json: expect.any(String), position: '0:2.1:0' }]);
    expect(s.position).toBe('0:3.1:0');
  });

  it('moves past offsets without events (control records) with skipTo, never backwards', () => {
    const { s } = session({ start: [4, 4] });
    s.skipTo(0, 9);
    s.skipTo(1, 2);
    expect(s.position).toBe('0:9.1:4');
  });

  it('tells which partitions lag behind a reader, from where', () => {
    const { s } = session({ start: [5, 9] });
    expect(s.behind([7, 9])).toEqual(new Map([[0, 5]]));
    expect(s.behind([5, 3])).toEqual(new Map());
  });

  it('cuts a live client that holds more than the budget, with the position after the last event it was given', () => {
    const { s, sink, ends } = session({ maxBytes: 25 });
    s.goLive();
    s.deliver(record(0, 0));
    s.deliver(record(0, 1));
    expect(ends).toEqual([]);
    s.deliver(record(1, 0));
    expect(ends).toEqual(['slow-client']);
    expect(sink.frames.at(-1)).toEqual({ kind: 'cut', reason: 'slow-client', position: '0:2.1:1', graceMs: 5000 });
    // Nothing more is written once cut, and the client leaving afterwards ends nothing twice.
    s.deliver(record(1, 1));
    sink.clientLeaves();
    expect(sink.frames.filter((f) => f.kind === 'event')).toHaveLength(3);
    expect(ends).toEqual(['slow-client']);
  });

  it('never cuts during catch-up (its reads wait for the client instead), but does on going live if still behind', () => {
    const { s, ends } = session({ maxBytes: 25 });
    for (let offset = 0; offset < 5; offset++) s.deliver(record(0, offset));
    expect(ends).toEqual([]);
    s.goLive();
    expect(ends).toEqual(['slow-client']);
  });

  it('a client that keeps up is never cut', () => {
    const { s, sink, ends } = session({ maxBytes: 25 });
    s.goLive();
    for (let offset = 0; offset < 100; offset++) {
      s.deliver(record(0, offset));
      sink.take();
    }
    expect(ends).toEqual([]);
  });

  it('sends a heartbeat with its position only when it wrote nothing since the last tick and nothing waits', () => {
    const { s, sink } = session({ site: 's2' });
    s.deliver(record(0, 0, 's2'));
    s.tick();
    expect(sink.frames.filter((f) => f.kind === 'heartbeat')).toEqual([]);
    s.tick();
    expect(sink.frames.filter((f) => f.kind === 'heartbeat')).toEqual([]); // the event is still buffered
    sink.take();
    s.deliver(record(0, 1, 's1')); // filtered out: the stream is idle for its client
    s.tick();
    expect(sink.frames.filter((f) => f.kind === 'heartbeat')).toEqual([{ kind: 'heartbeat', position: '0:2.1:0' }]);
  });

  it('ends without a marker when the client leaves, with one (and the given grace) when the server ends it', () => {
    const left = session();
    left.sink.clientLeaves();
    expect([left.ends, left.sink.frames]).toEqual([['client'], []]);

    const stopped = session();
    stopped.s.end('shutdown', 100);
    expect([stopped.ends, stopped.sink.frames]).toEqual([['shutdown'], [{ kind: 'cut', reason: 'shutdown', position: '0:0.1:0', graceMs: 100 }]]);
  });
});
