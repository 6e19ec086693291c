import { FLEET } from '@airan/demo-fleet';
import { type Isolation, eventually, isolate } from './support/stack';
import { StreamProducer, describeGroup } from './support/kafka-test-tools';
import { LoadDatabase, type LoadState, departuresFromStream, eventsOf, rowDifferences } from './support/load-state';
import { prepareRun } from './support/registry-seed';
import { ServiceProcess } from './support/service-process';
import { demoSites, telemetryStream } from './support/telemetry-stream';

/**
 * Three load instances in one consumer group (same env: same group id and topic prefix) share the six
 * partitions of `airan.telemetry.v1`. The first starts alone; two more join while it still has a backlog
 * (rebalance); more of the stream arrives while all three consume; the first stops (SIGTERM, it
 * leaves the group: rebalance); the rest arrives; then one of the other two is killed (kill -9: no goodbye, its
 * transaction cut off, its partitions stalled until the group expels it) and started again, and the two
 * finish. The stream has disorder, duplicates, late samples within the allowed lateness and too-late
 * ones. The result must equal a single instance's run of the same stream (its own database and prefix):
 * windows (every column, revision numbers included), rollups, sample and too-late counts and emitted
 * events. A partition that changes hands goes on from the watermark stored with its state, so which
 * instance applies a report does not change what is late.
 *
 * The stream is every site of the seeded demo registry (six sites on partitions 0, 1, 3 and 4), so two
 * instances always both have data; of three, one may hold only partitions without any. It is produced
 * straight to the topic as ingest would publish it; load-crash.e2e-spec.ts says why not through ingest.
 */
const WINDOW_MS = 10_000;
const OUT_OF_ORDER_MS = 4_000;
/** Three windows: late samples in the stream land inside it, too-late ones beyond it, without holding them back for long. */
const ALLOWED_LATENESS_MS = 30_000;
const SEED = 20_261_129;
/** Two more instances are started once this share of the stream is applied (the first half is on the topic by then). */
const JOIN_AT = 0.05;
/** The first instance stops once this share is applied (the stream up to LAST_PART is on the topic once all three share it) ... */
const STOP_AT = 0.35;
/** ... one of the other two is killed, and started again, once this share is applied ... */
const KILL_AT = 0.6;
/** ... and each of those steps waits for at least this share more to be applied after the step before it. */
const STEP = 0.05;
/** The stream from this share on is produced once the first has left and the other two have taken its partitions. */
const LAST_PART = 0.7;

describe('load: three instances in one consumer group, with joins, a leave and a kill -9 mid-stream', () => {
  const stream = telemetryStream({ seed: SEED, sites: demoSites(FLEET.flatMap((o) => o.sites.map((s) => s.id))), minSamples: 100_000, windowMs: WINDOW_MS, outOfOrderMs: OUT_OF_ORDER_MS, allowedLatenessMs: ALLOWED_LATENESS_MS });
  const single = isolate();
  const group = isolate();
  const envOf = (isolation: Isolation) => ({ ...isolation.env, LOAD_WINDOW_MS: String(WINDOW_MS), LOAD_OUT_OF_ORDER_MS: String(OUT_OF_ORDER_MS), LOAD_ALLOWED_LATENESS_MS: String(ALLOWED_LATENESS_MS) });
  const processes: ServiceProcess[] = [];
  const seconds: Record<string, number> = {};
  const shares: Record<string, number> = {};
  let started = Date.now();
  let one: LoadState;
  let three: LoadState;

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

  async function threeInstances(isolation: Isolation): Promise<LoadState> {
    const total = stream.messages.length;
    const half = Math.floor(total / 2);
    const lastPart = Math.floor(total * LAST_PART);
    await prepareRun(isolation);
    const producer = await StreamProducer.open(isolation);
    const db = await LoadDatabase.open(isolation);
    const running: ServiceProcess[] = [await startLoad(isolation)];
    /** Waits for `check` while every running instance stays up. */
    const meanwhile = <T>(check: () => Promise<T>, timeoutMs: number) => Promise.race([eventually(check, timeoutMs, 20), ...running.map((p) => p.unexpectedExit())]);
    /** Waits until `share` of the stream is applied, and at least STEP more than `since` (a count of messages). */
    const applied = (share: number, since = 0) => {
      const count = Math.max(total * share, since + total * STEP);
      return meanwhile(async () => {
        if ((await db.consumedTotal()) < count) throw new Error(`${count} messages not applied yet`);
      }, 150_000);
    };
    /**
     * The group is stable with `members` members holding partitions, and is no longer made of `formerly`: a
     * member killed stays listed, with its partitions, until the group expels it when its session times out
     * (30 s). Returns the ids of the members holding partitions.
     */
    const settled = (members: number, formerly: readonly string[] = []) =>
      meanwhile(async () => {
        const { state, membersWithPartitions, memberIds } = await describeGroup(db.groupId);
        const unchanged = formerly.length > 0 && formerly.every((id) => memberIds.includes(id));
        if (state !== 'Stable' || membersWithPartitions < members || unchanged) throw new Error(`group ${state}, ${membersWithPartitions} member(s) with partitions${unchanged ? ', the killed one among them' : ''}`);
        return memberIds;
      }, 90_000);
    const appliedBy = (p: ServiceProcess) => p.metric('airan_consumer_applied_total');
    try {
      const [first] = running;
      await producer.send(stream.messages.slice(0, half));
      await applied(JOIN_AT);
      // Two join while the first has a backlog, however fast it applies: its batches wait on the offset lock
      // until both have joined. The group cannot settle before the first rejoins, which it does after the
      // batches in hand, so the partitions are split three ways with most of the first half still to apply.
      const release = await db.holdBatches();
      running.push(await startLoad(isolation, false), await startLoad(isolation, false));
      await meanwhile(async () => {
        const { members } = await describeGroup(db.groupId);
        if (members < 3) throw new Error(`${members} member(s) joined`);
      }, 60_000).finally(release);
      await settled(3);
      shares.appliedWhenShared = await db.consumedTotal();
      await Promise.all(running.map((p) => p.waitReady()));
      await producer.send(stream.messages.slice(half, lastPart));
      await applied(STOP_AT, shares.appliedWhenShared);
      shares.appliedWhenFirstStops = await db.consumedTotal();
      await first.stop(); // leaves the group: the other two take every partition, three each, all with some data
      running.shift();
      const afterLeave = await settled(2);
      const third = running[1];
      const before = await Promise.all(running.map(appliedBy));
      // The last part arrives now, so both have reports to apply whatever they had finished.
      await producer.send(stream.messages.slice(lastPart));
      await applied(KILL_AT, shares.appliedWhenFirstStops);
      // Both apply their share: the one killed is cut off in the middle of its work, not idle.
      await meanwhile(async () => {
        const now = await Promise.all(running.map(appliedBy));
        if (now.some((n, i) => n <= before[i])) throw new Error(`applied since the leave: ${now.map((n, i) => n - before[i]).join(', ')}`);
      }, 60_000);
      shares.appliedWhenKilled = await db.consumedTotal();
      await third.kill();
      running.pop();
      running.push(await startLoad(isolation));
      await settled(2, afterLeave); // the second keeps its member id: the one gone is the killed one's, and the restarted instance holds partitions
      const ends = await producer.endOffsets();
      expect(Number([...ends.values()].reduce((x, y) => x + y, 0n))).toBe(total);
      await db.waitCaughtUp(ends, 150_000, running.map((p) => p.unexpectedExit()));
      seconds['group: consume'] = (Date.now() - started) / 1000;
      return await db.state();
    } finally {
      await producer.close();
      await db.close();
      await Promise.all(running.map((p) => p.stop()));
    }
  }

  beforeAll(async () => {
    started = Date.now();
    // The two runs are independent (own database, topics and group): run them side by side.
    [one, three] = await Promise.all([singleInstance(single), threeInstances(group)]);
    seconds['both runs'] = (Date.now() - started) / 1000;
    const { messages, ...counts } = stream;
    console.info(JSON.stringify({ stream: { messages: messages.length, ...counts }, shares, topicDuplicates: { single: one.topicDuplicates, group: three.topicDuplicates }, seconds }, null, 1));
  }, 300_000);

  afterAll(() => Promise.all(processes.map((p) => p.kill())));

  it('the single instance stores every distinct sample once, flags the too-late ones, closes every window with one revision per late report, and publishes each revision', () => {
    expect(stream.lateSamples).toBeGreaterThan(100);
    expect(stream.tooLateSamples).toBeGreaterThan(50);
    expect(one.windows.filter((w) => (w.revision as number) > 0).length).toBeGreaterThan(100);
    expect(departuresFromStream(one, stream)).toEqual([]);
    if ('pilot_id' in one.windows[0]) expect(one.windows.filter((w) => w.pilot_id === null || w.radio_load === null).map((w) => `${w.cell_id}@${w.window_start}`)).toEqual([]);
    expect(eventsOf(one.topic).ids).toEqual(eventsOf(one.outbox).ids);
    expect(one.inconsistentIds).toEqual([]);
  });

  it('two joined while the first had a backlog, the first left and one was killed while the stream was being applied', () => {
    expect(shares.appliedWhenShared).toBeLessThan(Math.floor(stream.messages.length / 2)); // the first still had a backlog
    expect(shares.appliedWhenKilled).toBeLessThan(stream.messages.length);
  });

  it('the group ends with exactly the windows of the single instance, every column, revision numbers included', () => {
    expect(three.windows).toHaveLength(one.windows.length);
    expect(three.windows).toEqual(one.windows);
  });

  // Rollups are moved by deltas summed in SQL and added in the order windows close, which the batching decides:
  // their floating-point sums may differ in the last bits (reported as a finding), so those compare to 1e-12.
  it('the group ends with the rollups of the single instance (site, pilot, operator)', () => {
    expect(three.rollups).toHaveLength(one.rollups.length);
    expect(rowDifferences(three.rollups, one.rollups, 1e-12)).toEqual([]);
  });

  it('the group stores exactly as many samples as the single instance, as many of them too late', () => {
    expect(three.sampleCount).toBe(one.sampleCount);
    expect(three.tooLateSampleCount).toBe(one.tooLateSampleCount);
    expect(three.gpuSampleCount).toBe(one.gpuSampleCount);
    expect(three.tooLateGpuSampleCount).toBe(one.tooLateGpuSampleCount);
  });

  it('the group emits exactly the events of the single instance (every revision), in its outbox and on the topic, copies identical', () => {
    const [reference, outbox, topic] = [eventsOf(one.topic), eventsOf(three.outbox), eventsOf(three.topic)];
    expect(outbox.ids).toEqual(reference.ids);
    expect(topic.ids).toEqual(reference.ids);
    expect(topic.values).toEqual(reference.values);
    expect(three.inconsistentIds).toEqual([]);
  });
});
