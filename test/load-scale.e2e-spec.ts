import { FLEET } from '@airan/demo-fleet';
import { type Isolation, eventually, isolate } from './support/stack';
import { StreamProducer, describeGroup } from './support/kafka-test-tools';
import { LoadDatabase, type LoadState, departuresFromStream, eventsOf, rowDifferences } from './support/load-state';
import { prepareRun } from './support/registry-seed';
import { ServiceProcess } from './support/service-process';
import { demoSites, telemetryStream } from './support/telemetry-stream';

/**
 * Two load instances in one consumer group (same env: same group id and topic prefix) share the six
 * partitions of `airan.telemetry.v1`: the first starts alone, the second joins while the first still
 * has a backlog (rebalance), the rest of the stream arrives while both consume, and the first stops
 * (SIGTERM) while the stream is still being applied (rebalance again) and the second finishes. The
 * stream has disorder, duplicates, late samples within the allowed lateness and too-late ones. The
 * result must equal a single instance's run of the same stream (its own database and prefix):
 * windows (every column, revision numbers included), rollups, sample and too-late counts and emitted
 * events. A partition that changes hands goes on from the watermark stored with its state, so which
 * instance applies a report does not change what is late.
 *
 * The stream is every site of the seeded demo registry (six sites on partitions 0, 1, 3 and 4), so
 * each instance's share of the partitions always has data. It is produced straight to the topic as
 * ingest would publish it; load-crash.e2e-spec.ts says why not through ingest.
 */
const WINDOW_MS = 10_000;
const OUT_OF_ORDER_MS = 4_000;
/** Three windows: late samples in the stream land inside it, too-late ones beyond it, without holding them back for long. */
const ALLOWED_LATENESS_MS = 30_000;
const SEED = 20_261_129;
/** The second instance is started once this share of the stream is applied (the first half is on the topic by then). */
const JOIN_AT = 0.05;
/** The first instance stops once this share is applied (the second half is still being produced or applied). */
const STOP_AT = 0.6;

describe('load: two instances in one consumer group, with rebalances mid-stream', () => {
  const stream = telemetryStream({ seed: SEED, sites: demoSites(FLEET.flatMap((o) => o.sites.map((s) => s.id))), minSamples: 100_000, windowMs: WINDOW_MS, outOfOrderMs: OUT_OF_ORDER_MS, allowedLatenessMs: ALLOWED_LATENESS_MS });
  const single = isolate();
  const group = isolate();
  const envOf = (isolation: Isolation) => ({ ...isolation.env, LOAD_WINDOW_MS: String(WINDOW_MS), LOAD_OUT_OF_ORDER_MS: String(OUT_OF_ORDER_MS), LOAD_ALLOWED_LATENESS_MS: String(ALLOWED_LATENESS_MS) });
  const processes: ServiceProcess[] = [];
  const seconds: Record<string, number> = {};
  const shares: Record<string, number> = {};
  let started = Date.now();
  let one: LoadState;
  let two: LoadState;

  async function startLoad(isolation: Isolation, waitReady = true): Promise<ServiceProcess> {
    const load = await ServiceProcess.spawn('load', envOf(isolation));
    processes.push(load);
    if (waitReady) await load.waitReady();
    return load;
  }

  /** The reference: one instance, the whole stream. */
  async function singleInstance(isolation: Isolation): Promise<LoadState> {
    const ends = await prepareRun(isolation, stream.messages);
    const load = await startLoad(isolation);
    const db = await LoadDatabase.open(isolation);
    try {
      await db.waitCaughtUp(ends, 150_000, [load.unexpectedExit()]);
      seconds['single: consume'] = (Date.now() - started) / 1000;
      return await db.state();
    } finally {
      await db.close();
      await load.stop();
    }
  }

  async function twoInstances(isolation: Isolation): Promise<LoadState> {
    const total = stream.messages.length;
    const half = Math.floor(total / 2);
    await prepareRun(isolation);
    const producer = await StreamProducer.open(isolation);
    const first = await startLoad(isolation);
    const db = await LoadDatabase.open(isolation);
    const applied = (share: number, during: ServiceProcess[]) =>
      Promise.race([
        eventually(async () => {
          if ((await db.consumedTotal()) < total * share) throw new Error(`${share * 100} % of the stream not applied yet`);
        }, 150_000, 20),
        ...during.map((p) => p.unexpectedExit()),
      ]);
    let second: ServiceProcess | undefined;
    try {
      await producer.send(stream.messages.slice(0, half));
      await applied(JOIN_AT, [first]);
      second = await startLoad(isolation, false); // joins the group: the partitions are split while the first has a backlog
      const groupId = db.groupId;
      await Promise.race([eventually(async () => {
        const { state, membersWithPartitions } = await describeGroup(groupId);
        if (state !== 'Stable' || membersWithPartitions < 2) throw new Error(`group ${state}, ${membersWithPartitions} member(s) with partitions`);
      }, 90_000, 20), first.unexpectedExit(), second.unexpectedExit()]);
      shares.appliedWhenShared = await db.consumedTotal();
      shares.firstAppliedWhenShared = await first.metric('airan_consumer_applied_total');
      await second.waitReady();
      const rest = producer.send(stream.messages.slice(half));
      rest.catch(() => undefined); // awaited below; this only keeps an early failure from being reported as unhandled
      await applied(STOP_AT, [first, second]);
      // Both consumed after the rebalance: the second applied its share, the first kept applying its own.
      await Promise.race([eventually(async () => {
        if ((await second!.metric('airan_consumer_applied_total')) === 0) throw new Error('the second instance applied nothing yet');
      }, 60_000), first.unexpectedExit(), second.unexpectedExit()]);
      shares.firstAppliedBeforeStop = await first.metric('airan_consumer_applied_total');
      shares.secondAppliedBeforeStop = await second.metric('airan_consumer_applied_total');
      shares.appliedWhenFirstStops = await db.consumedTotal();
      await first.stop(); // leaves the group: the second takes every partition
      await rest;
      const ends = await producer.endOffsets();
      expect(Number([...ends.values()].reduce((x, y) => x + y, 0n))).toBe(total);
      await db.waitCaughtUp(ends, 150_000, [second.unexpectedExit()]);
      shares.secondAppliedAtEnd = await second.metric('airan_consumer_applied_total');
      seconds['group: consume'] = (Date.now() - started) / 1000;
      return await db.state();
    } finally {
      await producer.close();
      await db.close();
      await Promise.all([first.stop(), second?.stop()]);
    }
  }

  beforeAll(async () => {
    started = Date.now();
    // The two runs are independent (own database, topics and group): run them side by side.
    [one, two] = await Promise.all([singleInstance(single), twoInstances(group)]);
    seconds['both runs'] = (Date.now() - started) / 1000;
    const { messages, ...counts } = stream;
    console.info(JSON.stringify({ stream: { messages: messages.length, ...counts }, shares, topicDuplicates: { single: one.topicDuplicates, group: two.topicDuplicates }, seconds }, null, 1));
  }, 300_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill()));
    await Promise.all([single, group].map(async (isolation) => {
    }));
  });

  it('the single instance stores every distinct sample once, flags the too-late ones, closes every window with one revision per late report, and publishes each revision', () => {
    expect(stream.lateSamples).toBeGreaterThan(100);
    expect(stream.tooLateSamples).toBeGreaterThan(50);
    expect(one.windows.filter((w) => (w.revision as number) > 0).length).toBeGreaterThan(100);
    expect(departuresFromStream(one, stream)).toEqual([]);
    if ('pilot_id' in one.windows[0]) expect(one.windows.filter((w) => w.pilot_id === null || w.radio_load === null).map((w) => `${w.cell_id}@${w.window_start}`)).toEqual([]);
    expect(eventsOf(one.topic).ids).toEqual(eventsOf(one.outbox).ids);
    expect(one.inconsistentIds).toEqual([]);
  });

  it('the second instance joined, and the first left, while the stream was being applied; both applied part of it', () => {
    expect(shares.appliedWhenShared).toBeLessThan(Math.floor(stream.messages.length / 2)); // the first still had a backlog
    expect(shares.secondAppliedBeforeStop).toBeGreaterThan(0);
    expect(shares.firstAppliedBeforeStop).toBeGreaterThan(shares.firstAppliedWhenShared);
    expect(shares.appliedWhenFirstStops).toBeLessThan(stream.messages.length);
  });

  it('the group ends with exactly the windows of the single instance, every column, revision numbers included', () => {
    expect(two.windows).toHaveLength(one.windows.length);
    expect(two.windows).toEqual(one.windows);
  });

  // Rollups are moved by deltas summed in SQL and added in the order windows close, which the batching decides:
  // their floating-point sums may differ in the last bits (reported as a finding), so those compare to 1e-12.
  it('the group ends with the rollups of the single instance (site, pilot, operator)', () => {
    expect(two.rollups).toHaveLength(one.rollups.length);
    expect(rowDifferences(two.rollups, one.rollups, 1e-12)).toEqual([]);
  });

  it('the group stores exactly as many samples as the single instance, as many of them too late', () => {
    expect(two.sampleCount).toBe(one.sampleCount);
    expect(two.tooLateSampleCount).toBe(one.tooLateSampleCount);
    expect(two.gpuSampleCount).toBe(one.gpuSampleCount);
    expect(two.tooLateGpuSampleCount).toBe(one.tooLateGpuSampleCount);
  });

  it('the group emits exactly the events of the single instance (every revision), in its outbox and on the topic, copies identical', () => {
    const [reference, outbox, topic] = [eventsOf(one.topic), eventsOf(two.outbox), eventsOf(two.topic)];
    expect(outbox.ids).toEqual(reference.ids);
    expect(topic.ids).toEqual(reference.ids);
    expect(topic.values).toEqual(reference.values);
    expect(two.inconsistentIds).toEqual([]);
  });
});
