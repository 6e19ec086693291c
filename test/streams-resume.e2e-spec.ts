import { readFileSync } from 'node:fs';
import { createPrng } from '@airan/demo-fleet';
import { ServiceProcess } from './support/service-process';
import { createApiKey, eventually, isolate } from './support/stack';
import { type LiveStreamClient, type StreamClientKind, type StreamedEvent, Follower, openStream, receive } from './support/stream-clients';
import { cellLoadEvent } from './support/stream-events';
import { TopicWriter } from './support/topic-writer';

const MAX_BUFFERED_BYTES = 256 * 1024;
const CUTS = 30;

/**
 * Resuming live streams by position against the built api and a real broker: a client cut mid-stream
 * again and again while events are written gets each exactly once; a client that stops reading is cut
 * (the api's memory staying bounded) with a marker it resumes from without losing or repeating an event.
 */
describe('api: live streams resume exactly once', () => {
  const isolation = isolate();
  const clients: LiveStreamClient[] = [];
  let api: ServiceProcess;
  let writer: TopicWriter;
  let ops: string;

  const path = '/v1/streams/cell-load';
  const open = async (kind: StreamClientKind, position?: string) => {
    const client = await openStream(kind, `${api.url}${path}`, ops, position);
    clients.push(client);
    return client;
  };
  /** Writes `count` events of 12 cells (so every partition gets some) in batches, as a load relay would. */
  const produce = async (count: number, batch: number, padding = 0) => {
    const written: string[] = [];
    for (let i = 0; i < count; i += batch) {
      const events = [...Array(Math.min(batch, count - i))].map((_, j) => cellLoadEvent({ operatorId: 'skt', siteId: 'skt-a', cellId: `skt-a-c${(i + j) % 12}`, padding }));
      await writer.send('cellLoad', events, (e) => (e as { cellId: string }).cellId);
      written.push(...events.map((e) => e.id));
    }
    return written;
  };
  const idsOf = (events: readonly StreamedEvent[]) => events.map((e) => e.data.id as string);
  /** Every cell's events in the order they were written (one cell is one partition, which keeps order). */
  const perCell = (events: readonly StreamedEvent[]) => {
    const cells = new Map<string, string[]>();
    for (const e of events) cells.set(e.data.cellId as string, [...(cells.get(e.data.cellId as string) ?? []), e.data.id as string]);
    return cells;
  };
  const rssBytes = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${api.pid}/status`, 'utf8'))![1]) * 1024;
  const slowCuts = async (transport: string) =>
    Number(new RegExp(`airan_api_streams_ended_total\\{product="cell-load",transport="${transport}",reason="slow-client"\\} (\\d+)`).exec(await (await fetch(`${api.url}/metrics`)).text())?.[1] ?? 0);

  beforeAll(async () => {
    writer = await TopicWriter.open(isolation);
    api = await ServiceProcess.start('api', { ...isolation.env, API_STREAM_MAX_BUFFERED_BYTES: String(MAX_BUFFERED_BYTES), API_STREAM_CUT_GRACE_MS: '120000', API_STREAM_HEARTBEAT_MS: '500' });
    ops = (await createApiKey(isolation, 'ops', 'noc-kim')).key;
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await api?.stop();
    await writer?.close();
  });

  describe.each<StreamClientKind>(['sse', 'websocket'])('%s', (kind) => {
    it(`gets every event exactly once across ${CUTS} cuts at random points while events are written`, async () => {
      const total = 900;
      const random = createPrng(kind === 'sse' ? 7 : 11);
      // Cut after these many events received in all, each somewhere in the stream, never at its end.
      const cutPoints = [...new Set([...Array(CUTS * 2)].map(() => 1 + Math.floor(random() * (total - 2))))].slice(0, CUTS).sort((a, b) => a - b);
      expect(cutPoints).toHaveLength(CUTS);

      const received: StreamedEvent[] = [];
      let client = await open(kind);
      const writing = produce(total, 15);
      for (const point of cutPoints) {
        client.closeAfter(point - received.length);
        await receive(client, point - received.length);
        await client.ended;
        received.push(...client.events);
        client = await open(kind, client.position);
      }
      const written = await writing;
      await receive(client, total - received.length);
      received.push(...client.events);
      client.close();

      const ids = idsOf(received);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.sort()).toEqual([...written].sort());
      // Within a cell (a partition), in the order written, across every cut.
      const writtenPerCell = new Map<string, string[]>();
      written.forEach((id, i) => writtenPerCell.set(`skt-a-c${i % 12}`, [...(writtenPerCell.get(`skt-a-c${i % 12}`) ?? []), id]));
      expect(perCell(received)).toEqual(writtenPerCell);
    });

    it('cuts a client that stops reading, with a marker to resume from, while its memory stays bounded; resuming from the marker misses and repeats nothing', async () => {
      const [warmUp, count] = [300, 1600];
      const eventBytes = 32 * 1024;
      // A client that keeps reading (and resumes if ever it is cut too) keeps the shared reader busy throughout.
      const reader = new Follower(await open(kind), warmUp + count, (position) => open(kind, position));
      // The api's memory is measured from after it has streamed events like these for a while; the stalled client starts after them.
      await produce(warmUp, 50, eventBytes);
      await eventually(async () => expect(reader.received).toBe(warmUp));
      const stalled = await open(kind);
      stalled.pause();
      const cutsBefore = await slowCuts(kind);

      const baseline = rssBytes();
      let peak = baseline;
      const sampling = setInterval(() => (peak = Math.max(peak, rssBytes())), 50);
      let written: string[];
      let read: StreamedEvent[];
      try {
        written = await produce(count, 50, eventBytes);
        read = await reader.done;
      } finally {
        clearInterval(sampling);
      }
      // Had the api kept what the stalled client did not take, it would hold most of the ~50 MB written.
      const volume = count * eventBytes;
      expect(peak - baseline).toBeLessThan(volume / 3);
      await eventually(async () => expect(await slowCuts(kind)).toBeGreaterThan(cutsBefore));

      // What the stalled client gets once it reads again: what was under way, then the marker.
      stalled.resume();
      await stalled.ended;
      expect(stalled.cut).toEqual({ reason: 'slow-client', position: expect.any(String) });
      expect(stalled.events.length).toBeLessThan(count);
      if (stalled.events.length > 0) expect(stalled.cut!.position).toBe(stalled.events.at(-1)!.position);

      const resumed = await open(kind, stalled.cut!.position);
      await receive(resumed, count - stalled.events.length);
      const ids = idsOf([...stalled.events, ...resumed.events]);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.sort()).toEqual([...written].sort());
      expect(idsOf(read.slice(warmUp)).sort()).toEqual([...written].sort());
      resumed.close();
    });
  });
});
