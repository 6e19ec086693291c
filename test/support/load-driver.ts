import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Admin, AssignerProtocol, Kafka, Partitioners, logLevel, type Producer } from 'kafkajs';
import { Client } from 'pg';
import { type CellLoadWindow, type CellSample, type GpuSample, TELEMETRY_SCHEMA, type TelemetryReport, stableEventId, topicNames } from '@airan/contracts';
import { FLEET } from '@airan/demo-fleet';
import { decodeHeaders, ensureTopics } from '@airan/kafka';
import { type LatenessRules, type Lateness, latenessOf, watermarkOf, windowOfSample } from '@airan/load-model';
import { createPrng } from '@airan/demo-fleet';
import { type Isolation, eventually, freePort } from './stack';

/**
 * Helpers for the load service's integration tests (load-crash, load-scale): a deterministic
 * telemetry stream, a producer that writes it to an isolation's telemetry topic as ingest would,
 * a load process that can be SIGKILLed, and a reader of the final state (Postgres and topic).
 */

const ROOT = (function findRoot(dir: string): string {
  return existsSync(join(dir, 'nest-cli.json')) ? dir : findRoot(dirname(dir));
})(__dirname);

const brokers = () => (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

// ---------------------------------------------------------------------------------------------
// The stream

/** mulberry32 (see @airan/demo-fleet), so a seed always gives the same stream and the same kill points. */
export { createPrng };

export interface StreamSite {
  readonly siteId: string;
  readonly operatorId: string;
  readonly cellIds: readonly string[];
  readonly gpuNode: string;
  readonly gpuDevices: readonly string[];
}

/** Sites of the demo fleet (the one the api seeds into the registry), by id. */
export function demoSites(siteIds: readonly string[]): StreamSite[] {
  return siteIds.map((siteId) => {
    for (const operator of FLEET) {
      const site = operator.sites.find((s) => s.id === siteId);
      if (site) return { siteId, operatorId: operator.id, cellIds: site.cells.map((c) => c.id), gpuNode: site.gpuNode.hostname, gpuDevices: site.gpuNode.devices.map((d) => d.id) };
    }
    throw new Error(`${siteId} is not a demo fleet site`);
  });
}

export interface StreamMessage {
  /** siteId, as ingest keys `airan.telemetry.v1`. */
  readonly key: string;
  readonly value: TelemetryReport;
  readonly headers: { traceparent: string };
}

export interface TelemetryStreamOptions {
  readonly seed: number;
  readonly sites: readonly StreamSite[];
  /** Generate until at least this many distinct (cellId, ts) samples exist. */
  readonly minSamples: number;
  readonly windowMs: number;
  /** The load service's LOAD_OUT_OF_ORDER_MS: ordinary disorder stays strictly inside it (checked). */
  readonly outOfOrderMs: number;
  /** The load service's LOAD_ALLOWED_LATENESS_MS: late samples land well inside it, too-late ones well beyond (checked). */
  readonly allowedLatenessMs: number;
  /**
   * Event time of the first tick (epoch ms); by default the start of yesterday (UTC), computed once
   * per stream, so every run fed the same stream object sees identical input, and the samples are as
   * recent as real telemetry (inside load's sample retention, in an existing day partition).
   */
  readonly startMs?: number;
  readonly tickMs?: number;
  readonly ticksPerReport?: number;
}

export interface TelemetryStream {
  readonly messages: readonly StreamMessage[];
  /** Distinct sample identities: what load.cell_samples must end up holding. */
  readonly uniqueSamples: number;
  /** Distinct (node, device, ts) GPU samples: what load.gpu_samples must end up holding. */
  readonly uniqueGpuSamples: number;
  /** Distinct (cell, window) pairs with at least one sample: the windows that must close. */
  readonly windows: number;
  /** Cell samples sent more than once (re-sent reports, in-report repeats, late samples sent again). */
  readonly duplicateSamples: number;
  /** Cell samples that arrive after a later sample of their site, still on time (moved into the site's next report). */
  readonly delayedSamples: number;
  /** Cell samples whose first copy arrives after their window closed, within the allowed lateness. */
  readonly lateSamples: number;
  /** Cell samples whose first copy arrives beyond the allowed lateness: stored with too_late set. */
  readonly tooLateSamples: number;
  /** The revision every cell window of the site must end with: one per report that brought late samples to it. */
  revisionOf(siteId: string, windowStart: number): number;
}

/**
 * A deterministic telemetry stream of whole `TelemetryReport`s as ingest publishes them (one report
 * per site and request, key = siteId): every site reports each cell every tick (1 s intervals; a few
 * ticks are missing, so some windows are not fully covered), GPU samples of its node and a heartbeat
 * at the report's end. Disorder: cells are shuffled inside reports and some samples are held back to
 * the site's next report; duplicates: whole reports are re-sent a little later (as a client retry
 * would, with a new trace) and some samples repeat inside a report. Heartbeat-only reports appear now
 * and then, and a final heartbeat per site moves event time past the last window so every window closes.
 *
 * Late data: a few samples are held back until their site's own event time has passed their window's
 * end by the out-of-order delay (so the window has closed) plus a little, well inside the allowed
 * lateness (a revision), and a few others until it is well beyond it (too late: kept, counted, no
 * revision); some late ones come once more, beyond the lateness (a repeat: neither stored nor counted
 * again). Load judges each report against its partition's watermark as it stood before that report
 * (segmentBatch in libs/load-model), so revisions and too-late samples are a function of the
 * partition's order alone: not of how Kafka batched it, where the consumer crashed or which instance
 * consumed a partition. Which sites share a partition does not matter either: every first copy is
 * checked to fall in the same class whether its partition's watermark is its own site's or the whole
 * stream's (see classify).
 *
 * Measurements are multiples of 1/4 (exact in binary floating point), so the sums behind a window's
 * figures are exact whatever order Postgres returns its samples in, and runs compare for exact equality.
 */
export function telemetryStream(options: TelemetryStreamOptions): TelemetryStream {
  const { seed, sites, minSamples, windowMs, outOfOrderMs, allowedLatenessMs } = options;
  const startMs = options.startMs ?? Math.floor(Date.now() / 86_400_000) * 86_400_000 - 86_400_000;
  const tickMs = options.tickMs ?? 1000;
  const ticksPerReport = options.ticksPerReport ?? 2;
  const random = createPrng(seed);
  const pick = (p: number) => random() < p;
  const quarter = (min: number, max: number) => Math.round((min + random() * (max - min)) * 4) / 4;
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  const shuffle = <T>(items: T[]): T[] => {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  };

  const messages: StreamMessage[] = [];
  const resends: Array<{ due: number; message: StreamMessage }> = [];
  const seen = new Set<string>();
  const gpuSeen = new Set<string>();
  const windows = new Set<string>();
  let duplicateSamples = 0;
  let delayedSamples = 0;
  let sequence = 0;

  const report = (site: StreamSite, endMs: number, cells: CellSample[], gpus: GpuSample[], heartbeats: number[]): StreamMessage => ({
    key: site.siteId,
    value: {
      schema: TELEMETRY_SCHEMA,
      id: stableEventId('test-telemetry', seed, sequence++),
      operatorId: site.operatorId,
      siteId: site.siteId,
      keyId: stableEventId('test-key', site.operatorId),
      receivedAt: endMs + 250,
      cells,
      gpus,
      heartbeats,
    },
    headers: { traceparent: `00-${hex(32)}-${hex(16)}-01` },
  });
  const push = (message: StreamMessage) => {
    messages.push(message);
    for (const cell of message.value.cells) {
      const identity = `${cell.cellId}@${cell.ts}`;
      if (seen.has(identity)) duplicateSamples++;
      seen.add(identity);
      windows.add(`${cell.cellId}@${windowOfSample(cell.ts, windowMs).start}`);
    }
    for (const gpu of message.value.gpus) gpuSeen.add(`${gpu.node}/${gpu.device}@${gpu.ts}`);
    for (let i = 0; i < resends.length; i++) {
      if (resends[i].due > messages.length) continue;
      messages.push(resends[i].message);
      duplicateSamples += resends[i].message.value.cells.length;
      resends.splice(i--, 1);
    }
  };

  const heldBack = new Map<string, CellSample[]>(sites.map((s) => [s.siteId, []]));
  // Late samples wait for the first report of their site sent once the site's event time (its previous report's end) reached `due`.
  const lateBack = new Map<string, Array<{ sample: CellSample; due: number }>>(sites.map((s) => [s.siteId, []]));
  const closedSince = (ts: number) => windowOfSample(ts, windowMs).end + outOfOrderMs; // the site's own event time that closes ts's window
  const margin = Math.min(5 * tickMs, allowedLatenessMs / 4);
  let tick = 0;
  while (seen.size < minSamples || [...lateBack.values()].some((queue) => queue.length > 0)) {
    // Once there are enough samples, no more are made late; rounds go on until the late ones are all sent.
    const delaying = seen.size < minSamples;
    // One round: every site sends one report covering the same ticks, in a random order.
    const order = shuffle([...sites]);
    const endMs = startMs + (tick + ticksPerReport) * tickMs;
    const previousEndMs = endMs - ticksPerReport * tickMs;
    for (const site of order) {
      const cells: CellSample[] = heldBack.get(site.siteId)!.splice(0);
      const queue = lateBack.get(site.siteId)!;
      for (let i = 0; i < queue.length; i++) {
        if (queue[i].due > previousEndMs) continue;
        const [{ sample, due }] = queue.splice(i--, 1);
        cells.push(sample);
        if (due < closedSince(sample.ts) + allowedLatenessMs && pick(0.2)) queue.push({ sample, due: due + allowedLatenessMs + margin }); // sent again, too late
      }
      const gpus: GpuSample[] = [];
      for (let t = tick + 1; t <= tick + ticksPerReport; t++) {
        const ts = startMs + t * tickMs;
        for (const cellId of site.cellIds) {
          if (pick(0.02)) continue; // a missed measurement: the window is not fully covered
          const requests = Math.floor(random() * 40);
          const sample: CellSample = {
            cellId, ts, intervalMs: tickMs,
            prbDlPct: quarter(5, 95), prbUlPct: quarter(2, 60), thpDlMbps: quarter(20, 600), thpUlMbps: quarter(5, 80),
            rrcConnectedUes: Math.floor(random() * 400), inferenceRequests: requests, inferenceTokens: requests * 120 + Math.floor(random() * 100),
            gpuMs: Math.floor(random() * 300), latencyP95Ms: quarter(20, 200),
          };
          if (delaying && pick(0.003)) {
            queue.push({ sample, due: closedSince(ts) + margin }); // late: revises its window
            continue;
          }
          if (delaying && pick(0.0015)) {
            queue.push({ sample, due: closedSince(ts) + allowedLatenessMs + margin }); // too late: kept, counted only
            continue;
          }
          if (pick(0.08)) {
            heldBack.get(site.siteId)!.push(sample); // arrives with the site's next report
            delayedSamples++;
            continue;
          }
          cells.push(sample);
          if (pick(0.01)) cells.push(sample); // the same sample twice in one report
        }
      }
      for (const device of site.gpuDevices) gpus.push({ node: site.gpuNode, device, ts: endMs, utilPct: quarter(10, 95), radioShare: quarter(0.1, 0.5), aiShare: quarter(0.05, 0.45) });
      shuffle(cells);
      const message = report(site, endMs, cells, gpus, [endMs]);
      push(message);
      if (pick(0.03)) resends.push({ due: messages.length + 1 + Math.floor(random() * 30), message: { ...message, value: { ...message.value, id: stableEventId('test-telemetry', seed, sequence++) }, headers: { traceparent: `00-${hex(32)}-${hex(16)}-01` } } });
      if (pick(0.01)) push(report(site, endMs, [], [], [endMs]));
    }
    tick += ticksPerReport;
  }
  const lastMs = startMs + tick * tickMs;
  for (const site of sites) {
    push(report(site, lastMs, heldBack.get(site.siteId)!.splice(0), [], [lastMs]));
  }
  // Heartbeats alone move every site's event time past its last window (plus the allowed disorder).
  for (const site of sites) push(report(site, lastMs + windowMs + outOfOrderMs, [], [], [lastMs + windowMs + outOfOrderMs]));
  for (const { message } of resends.splice(0)) {
    messages.push(message);
    duplicateSamples += message.value.cells.length;
  }

  const { late, tooLate, revisions } = classify(messages, sites, { windowMs, outOfOrderMs, allowedLatenessMs });
  return {
    messages,
    uniqueSamples: seen.size,
    uniqueGpuSamples: gpuSeen.size,
    windows: windows.size,
    duplicateSamples,
    delayedSamples,
    lateSamples: late,
    tooLateSamples: tooLate,
    revisionOf: (siteId, windowStart) => revisions.get(`${siteId}@${windowStart}`) ?? 0,
  };
}

/**
 * The stream's promise: the first copy of every sample (cell or GPU) has one lateness whatever the
 * watermark of its partition, which lies between the one of its own site's messages so far and the one
 * of every earlier message of every partition. Counts the late and too-late cell samples, and the
 * reports that revise each site's window: a report with late samples re-opens their windows for every
 * cell of the site (one GPU node serves them all), and closes them again as one new revision.
 */
function classify(messages: readonly StreamMessage[], sites: readonly StreamSite[], rules: LatenessRules): { late: number; tooLate: number; revisions: Map<string, number> } {
  const siteOfNode = new Map(sites.map((s) => [s.gpuNode, s.siteId]));
  const siteMax = new Map<string, number>();
  const seen = new Set<string>();
  const revisions = new Map<string, number>();
  let streamMax = -Infinity;
  let late = 0;
  let tooLate = 0;
  for (const [index, { key, value }] of messages.entries()) {
    const ownMax = siteMax.get(key) ?? -Infinity;
    const revised = new Set<string>();
    const judge = (identity: string, siteId: string, ts: number): Lateness | undefined => {
      if (seen.has(identity)) return undefined;
      seen.add(identity);
      const window = windowOfSample(ts, rules.windowMs);
      const lateness = latenessOf(window, watermarkOf(ownMax, rules.outOfOrderMs), rules.allowedLatenessMs);
      if (lateness !== latenessOf(window, watermarkOf(streamMax, rules.outOfOrderMs), rules.allowedLatenessMs)) {
        throw new Error(`stream generator: sample ${identity} in message ${index} is ${lateness} or not, depending on how sites share partitions`);
      }
      if (lateness === 'late') revised.add(`${siteId}@${window.start}`);
      return lateness;
    };
    for (const cell of value.cells) {
      const lateness = judge(`${cell.cellId}@${cell.ts}`, value.siteId, cell.ts);
      if (lateness === 'late') late++;
      if (lateness === 'too-late') tooLate++;
    }
    for (const gpu of value.gpus) judge(`${gpu.node}/${gpu.device}@${gpu.ts}`, siteOfNode.get(gpu.node) ?? value.siteId, gpu.ts);
    for (const window of revised) revisions.set(window, (revisions.get(window) ?? 0) + 1);
    for (const ts of [...value.cells.map((c) => c.ts), ...value.gpus.map((g) => g.ts), ...value.heartbeats]) {
      siteMax.set(key, Math.max(siteMax.get(key) ?? -Infinity, ts));
      streamMax = Math.max(streamMax, ts);
    }
  }
  return { late, tooLate, revisions };
}

// ---------------------------------------------------------------------------------------------
// Kafka

/** Writes stream messages to an isolation's telemetry topic the way ingest does (idempotent, acks=all, key = siteId). */
export class StreamProducer {
  private constructor(
    private readonly kafka: Kafka,
    private readonly producer: Producer,
    readonly topic: string,
  ) {}

  /** Creates the isolation's topics first (the same idempotent provisioning every service runs at start-up). */
  static async open(isolation: Isolation): Promise<StreamProducer> {
    const kafka = new Kafka({ clientId: 'airan-test-stream', brokers: brokers(), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, isolation.topicPrefix, 1);
    } finally {
      await admin.disconnect();
    }
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    return new StreamProducer(kafka, producer, topicNames(isolation.topicPrefix).telemetry);
  }

  /** Sends in order, in chunks; resolves once Kafka holds them all. */
  async send(messages: readonly StreamMessage[], chunk = 400): Promise<void> {
    for (let i = 0; i < messages.length; i += chunk) {
      await this.producer.send({
        topic: this.topic,
        acks: -1,
        messages: messages.slice(i, i + chunk).map((m) => ({ key: m.key, value: JSON.stringify(m.value), headers: m.headers })),
      });
    }
  }

  /** High watermark of every partition of the telemetry topic. */
  endOffsets(): Promise<Map<number, bigint>> {
    return topicEndOffsets(this.kafka, this.topic);
  }

  close(): Promise<void> {
    return this.producer.disconnect();
  }
}

async function topicEndOffsets(kafka: Kafka, topic: string): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
  } finally {
    await admin.disconnect();
  }
}

/**
 * Every message of a topic up to its end offsets at the time of the call, as an outside consumer sees
 * them. (Like TopicReader, with a short fetch wait so that disconnecting once everything is read does
 * not sit out a 5 s long poll.)
 */
export async function readTopicToEnd<T>(topic: string, timeoutMs = 60_000): Promise<Array<{ key: string | null; value: T; headers: Record<string, string>; partition: number; offset: string }>> {
  const kafka = new Kafka({ clientId: 'airan-test-reader', brokers: brokers(), logLevel: logLevel.NOTHING });
  const ends = await topicEndOffsets(kafka, topic);
  const messages: Array<{ key: string | null; value: T; headers: Record<string, string>; partition: number; offset: string }> = [];
  const next = new Map<number, bigint>();
  const consumer = kafka.consumer({ groupId: `test-reader-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        messages.push({ key: message.key?.toString() ?? null, value: JSON.parse(message.value!.toString()) as T, headers: decodeHeaders(message.headers), partition, offset: message.offset });
        next.set(partition, BigInt(message.offset) + 1n);
      },
    });
    await eventually(async () => {
      for (const [partition, end] of ends) {
        if ((next.get(partition) ?? 0n) < end) throw new Error(`${topic}[${partition}] read to ${next.get(partition) ?? 0n} of ${end}`);
      }
    }, timeoutMs, 50);
    return [...messages];
  } finally {
    await consumer.disconnect();
  }
}

/** Polls a topic's total end offset (sum over partitions) on one admin connection. */
export class TopicEnd {
  private constructor(
    private readonly admin: Admin,
    private readonly topic: string,
  ) {}

  static async open(topic: string): Promise<TopicEnd> {
    const admin = new Kafka({ clientId: 'airan-test-topic-end', brokers: brokers(), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    return new TopicEnd(admin, topic);
  }

  async total(): Promise<number> {
    return (await this.admin.fetchTopicOffsets(this.topic)).reduce((sum, p) => sum + Number(p.high), 0);
  }

  close(): Promise<void> {
    return this.admin.disconnect();
  }
}

/**
 * Removes every member of a consumer group on the members' behalf (LeaveGroup), for use right after
 * the only process in the group was SIGKILLed: a killed member never leaves, so without this its
 * replacement waits for the coordinator to expire the dead member (the consumer's 30 s session
 * timeout) before it gets any partition. Nothing about the data path changes: the dead process
 * applied what it committed to Postgres and nothing else, whoever removes it from the group.
 * kafkajs has no public call for this, so it uses its (pinned, 2.2.4) internal cluster client.
 */
export async function evictGroupMembers(groupId: string): Promise<string[]> {
  const kafka = new Kafka({ clientId: 'airan-test-evict', brokers: brokers(), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const { groups } = await admin.describeGroups([groupId]).finally(() => admin.disconnect());
  const members = groups[0]?.members.map((m) => m.memberId) ?? [];
  if (members.length === 0) return [];
  const createCluster = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  if (!createCluster) throw new Error('kafkajs internals changed: no private:Kafka:createCluster (evictGroupMembers needs updating)');
  type Coordinator = { leaveGroup(request: { groupId: string; memberId: string }): Promise<unknown> };
  type Cluster = { connect(): Promise<void>; disconnect(): Promise<void>; findGroupCoordinator(request: { groupId: string }): Promise<Coordinator> };
  const cluster = (kafka as unknown as Record<symbol, (options: object) => Cluster>)[createCluster]({ metadataMaxAge: 300_000, allowAutoTopicCreation: false });
  await cluster.connect();
  try {
    const coordinator = await cluster.findGroupCoordinator({ groupId });
    for (const memberId of members) await coordinator.leaveGroup({ groupId, memberId });
    return members;
  } finally {
    await cluster.disconnect();
  }
}

/** A consumer group's state and how many members hold partitions, as the group coordinator sees it. */
export async function describeGroup(groupId: string): Promise<{ state: string; membersWithPartitions: number }> {
  const kafka = new Kafka({ clientId: 'airan-test-groups', brokers: brokers(), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    const group = groups[0];
    const partitionsOf = (assignment: Buffer) => Object.values(AssignerProtocol.MemberAssignment.decode(assignment)?.assignment ?? {}).flat().length;
    const membersWithPartitions = group.members.filter((m) => m.memberAssignment.length > 0 && partitionsOf(m.memberAssignment) > 0).length;
    return { state: group.state, membersWithPartitions };
  } finally {
    await admin.disconnect();
  }
}

/** Offsets the group committed to Kafka (which load commits after Postgres, for lag monitoring only). */
export async function kafkaCommittedOffsets(groupId: string, topic: string): Promise<Map<number, bigint>> {
  const kafka = new Kafka({ clientId: 'airan-test-offsets', brokers: brokers(), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map(committed.partitions.map((p) => [p.partition, BigInt(p.offset)]));
  } finally {
    await admin.disconnect();
  }
}

/** Deletes an isolation's topics (the load tests write tens of MB; the broker keeps them for days otherwise). */
export async function deleteTopics(isolation: Isolation): Promise<void> {
  const kafka = new Kafka({ clientId: 'airan-test-cleanup', brokers: brokers(), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(isolation.topicPrefix));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
  } finally {
    await admin.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------
// The load process

/**
 * A load (or other app) process that, unlike ServiceProcess, can also be killed with SIGKILL: no
 * shutdown hook runs, in-flight transactions are cut off, the Kafka group member is left behind.
 * Spawned exactly as ServiceProcess spawns (same entry point, env and readiness probe).
 */
export class KillableService {
  private output = '';
  private readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private expectedExit = false;

  private constructor(
    readonly app: string,
    readonly url: string,
    private readonly child: ChildProcess,
    /** Just before the process was spawned: its connections (to Postgres, say) are all younger. */
    readonly spawnedAt: Date,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  static async spawn(app: 'load' | 'api', env: Record<string, string>): Promise<KillableService> {
    const port = String(await freePort());
    const spawnedAt = new Date();
    const child = spawn(process.execPath, [join(ROOT, 'dist/apps', app, 'src/main.js')], {
      cwd: ROOT,
      env: { ...process.env, ...env, PORT: port, HTTP_HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new KillableService(app, `http://127.0.0.1:${port}`, child, spawnedAt);
  }

  static async start(app: 'load' | 'api', env: Record<string, string>, timeoutMs = 90_000): Promise<KillableService> {
    const service = await KillableService.spawn(app, env);
    await service.waitReady(timeoutMs);
    return service;
  }

  get logs(): string {
    return this.output;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Rejects if the process exits without the test asking it to: a crash of its own is a failure. */
  unexpectedExit(): Promise<never> {
    return this.exit.then(({ code, signal }) => {
      if (this.expectedExit) return new Promise<never>(() => undefined);
      throw new Error(`${this.app} (pid ${this.pid}) exited by itself (code ${code}, signal ${signal}):\n${this.output.slice(-4000)}`);
    });
  }

  /** For a process armed to end by itself (a fault point): resolves with how it ended, which is then not a failure. */
  endsByItself(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.expectedExit = true;
    return this.exit;
  }

  async waitReady(timeoutMs = 90_000): Promise<void> {
    const ready = eventually(async () => {
      const res = await fetch(`${this.url}/health/ready`);
      if (res.status !== 200) throw new Error(`ready answered ${res.status}`);
    }, timeoutMs);
    await Promise.race([ready, this.unexpectedExit()]);
  }

  /** A counter's value from the app's /metrics (summed over its labels). */
  async metric(name: string): Promise<number> {
    return metricTotal(this.url, name);
  }

  /** kill -9, and wait until the process is gone. */
  async kill(): Promise<void> {
    this.expectedExit = true;
    if (!this.running) return;
    this.child.kill('SIGKILL');
    const { signal } = await this.exit;
    if (signal !== 'SIGKILL') throw new Error(`${this.app} ended with ${signal} before the SIGKILL`);
  }

  /** Graceful stop (SIGTERM): the app leaves its consumer group and closes its connections. */
  async stop(): Promise<void> {
    this.expectedExit = true;
    if (!this.running) return;
    this.child.kill('SIGTERM');
    await this.exit;
  }
}

/** A counter's value from an app's /metrics at `url` (summed over its labels). */
export async function metricTotal(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/**
 * Seeds the isolation's registry with the demo fleet the way a deployment gets it: the api seeds an
 * empty registry at start-up and relays it to `airan.registry.v1`. Returns once every registry event
 * is on the topic, and stops the api (the load tests need nothing else from it).
 */
export async function seedRegistry(isolation: Isolation): Promise<void> {
  const api = await KillableService.start('api', { ...isolation.env, API_SEED_DEMO_FLEET: 'true' });
  const db = new Client({ connectionString: isolation.databaseUrl });
  await db.connect();
  try {
    await eventually(async () => {
      const { rows } = await db.query(`SELECT count(*)::int AS total, count(*) FILTER (WHERE published_at IS NULL)::int AS pending FROM api.outbox WHERE topic = $1`, [topicNames(isolation.topicPrefix).registry]);
      if (rows[0].total === 0 || rows[0].pending > 0) throw new Error(`registry not relayed yet: ${JSON.stringify(rows[0])}`);
    }, 60_000);
  } finally {
    await db.end();
    await api.stop();
  }
}

/**
 * Prepares an isolation for a load run: the demo registry seeded (as the api does it), every topic
 * created, and `messages` (if any) on the telemetry topic. Returns the telemetry topic's end offsets.
 */
export async function prepareRun(isolation: Isolation, messages: readonly StreamMessage[] = []): Promise<Map<number, bigint>> {
  await seedRegistry(isolation);
  const producer = await StreamProducer.open(isolation);
  try {
    await producer.send(messages);
    return await producer.endOffsets();
  } finally {
    await producer.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Postgres state

export interface LoadState {
  /** Every load.cell_windows row, all columns but closed_at (timestamps as ISO strings), ordered by cell and window. */
  readonly windows: ReadonlyArray<Record<string, unknown>>;
  /** Every load.rollup_windows row (site, pilot, operator), all columns but updated_at; empty if the table does not exist. */
  readonly rollups: ReadonlyArray<Record<string, unknown>>;
  readonly sampleCount: number;
  /** Rows of load.cell_samples stored too late to revise their window. */
  readonly tooLateSampleCount: number;
  /** Rows of load.gpu_samples (null if the table does not exist). */
  readonly gpuSampleCount: number | null;
  /** Rows of load.gpu_samples stored too late (null if the table does not exist). */
  readonly tooLateGpuSampleCount: number | null;
  /** event id → event value, from load.outbox (cell-load events). */
  readonly outbox: ReadonlyMap<string, CellLoadWindow>;
  /** event id → event value, from airan.cell-load.v1 (each id once; see `topicDuplicates`). */
  readonly topic: ReadonlyMap<string, CellLoadWindow>;
  /** How many messages on the topic repeat an id already seen (allowed: the relay is at least once). */
  readonly topicDuplicates: number;
  /** Ids whose copies on the topic differ from each other, from their outbox row, or are keyed by another cell: must be none. */
  readonly inconsistentIds: readonly string[];
}

/** A row with the columns that record processing time (not results) removed and timestamps as ISO strings. */
function comparableRow(row: Record<string, unknown>, processingTimeColumns: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([column]) => !processingTimeColumns.includes(column)).map(([column, value]) => [column, value instanceof Date ? value.toISOString() : value]));
}

/** Reads the load service's tables in an isolation's database. */
export class LoadDatabase {
  private constructor(
    private readonly db: Client,
    private readonly isolation: Isolation,
  ) {}

  static async open(isolation: Isolation): Promise<LoadDatabase> {
    const db = new Client({ connectionString: isolation.databaseUrl });
    await db.connect();
    return new LoadDatabase(db, isolation);
  }

  get groupId(): string {
    return `${this.isolation.topicPrefix}airan-load`;
  }

  get telemetryTopic(): string {
    return topicNames(this.isolation.topicPrefix).telemetry;
  }

  /** The next offset to apply per partition, as stored beside the state (0 before load has created its tables). */
  async consumedOffsets(): Promise<Map<number, bigint>> {
    try {
      const { rows } = await this.db.query('SELECT partition, next_offset FROM load.consumer_offsets WHERE group_id = $1 AND topic = $2', [this.groupId, this.telemetryTopic]);
      return new Map(rows.map((r: { partition: number; next_offset: string }) => [r.partition, BigInt(r.next_offset)]));
    } catch (error) {
      if ((error as { code?: string }).code === '42P01' || (error as { code?: string }).code === '3F000') return new Map(); // table or schema not there yet
      throw error;
    }
  }

  /** Total messages applied (sum of stored next offsets). */
  async consumedTotal(): Promise<number> {
    let total = 0n;
    for (const next of (await this.consumedOffsets()).values()) total += next;
    return Number(total);
  }

  /**
   * What the load process's Postgres sessions are doing right now: inside the consumer's batch
   * transaction (samples, windows, outbox rows and the offset, not committed yet), or inside the
   * outbox relay's transaction while it waits for Kafka to acknowledge the events it claimed (they may
   * be on the topic, but are not marked published yet). Only sessions opened since `since` count: a
   * killed process's session can outlive it until its running statement ends.
   */
  async openTransactions(since: Date): Promise<{ consumer: boolean; relayPublishing: boolean }> {
    const { rows } = await this.db.query(
      `SELECT state, query FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
         AND xact_start IS NOT NULL AND backend_start >= $1`,
      [since],
    );
    let consumer = false;
    let relayPublishing = false;
    for (const { state, query } of rows as Array<{ state: string; query: string }>) {
      if (/"load"\.outbox\s+WHERE published_at IS NULL/.test(query)) relayPublishing ||= state === 'idle in transaction';
      else if (/"load"\.consumer_offsets|load\.(cell_samples|gpu_samples|open_windows|partition_watermarks|cell_windows|rollup_windows)|INTO "load"\.outbox/.test(query)) consumer = true;
    }
    return { consumer, relayPublishing };
  }

  /** Cell-load events the outbox has marked published. */
  async outboxPublished(): Promise<number> {
    const { rows } = await this.db.query('SELECT count(*)::int AS published FROM load.outbox WHERE published_at IS NOT NULL AND topic = $1', [topicNames(this.isolation.topicPrefix).cellLoad]);
    return rows[0].published;
  }

  /** Outbox events not relayed yet. */
  async outboxPending(): Promise<number> {
    const { rows } = await this.db.query('SELECT count(*)::int AS pending FROM load.outbox WHERE published_at IS NULL');
    return rows[0].pending;
  }

  /** Waits until the stored offsets reach the topic's end offsets, then until the outbox is relayed. */
  async waitCaughtUp(ends: ReadonlyMap<number, bigint>, timeoutMs: number, during: Array<Promise<never>> = []): Promise<void> {
    const caughtUp = eventually(async () => {
      const next = await this.consumedOffsets();
      for (const [partition, end] of ends) {
        if ((next.get(partition) ?? 0n) < end) throw new Error(`partition ${partition} applied up to ${next.get(partition) ?? 0n} of ${end}`);
      }
      const pending = await this.outboxPending();
      if (pending > 0) throw new Error(`${pending} outbox events not relayed yet`);
    }, timeoutMs, 200);
    await Promise.race([caughtUp, ...during]);
  }

  /** The final state: windows, rollups, samples, outbox, and the cell-load topic read to its end. */
  async state(): Promise<LoadState> {
    const exists = async (table: string) => (await this.db.query('SELECT to_regclass($1) IS NOT NULL AS found', [table])).rows[0].found as boolean;
    const windows = (await this.db.query('SELECT * FROM load.cell_windows ORDER BY cell_id, window_start')).rows.map((r) => comparableRow(r, ['closed_at']));
    const rollups = (await exists('load.rollup_windows'))
      ? (await this.db.query('SELECT * FROM load.rollup_windows ORDER BY scope, scope_id, window_start')).rows.map((r) => comparableRow(r, ['updated_at']))
      : [];
    const counts = async (table: 'load.cell_samples' | 'load.gpu_samples') => (await this.db.query(`SELECT count(*)::int AS n, (count(*) FILTER (WHERE too_late))::int AS too_late FROM ${table}`)).rows[0] as { n: number; too_late: number };
    const samples = await counts('load.cell_samples');
    const gpuSamples = (await exists('load.gpu_samples')) ? await counts('load.gpu_samples') : null;
    const cellLoadTopic = topicNames(this.isolation.topicPrefix).cellLoad;
    const { rows: outboxRows } = await this.db.query('SELECT event_id, value FROM load.outbox WHERE topic = $1', [cellLoadTopic]);
    const outbox = new Map<string, CellLoadWindow>(outboxRows.map((r: { event_id: string; value: string }) => [r.event_id, JSON.parse(r.value)]));

    const messages = await readTopicToEnd<CellLoadWindow>(cellLoadTopic);
    const topic = new Map<string, CellLoadWindow>();
    const inconsistent = new Set<string>();
    let topicDuplicates = 0;
    for (const { key, value } of messages) {
      const previous = topic.get(value.id);
      if (previous) {
        topicDuplicates++;
        if (JSON.stringify(previous) !== JSON.stringify(value)) inconsistent.add(value.id);
      }
      if (key !== value.cellId) inconsistent.add(value.id);
      topic.set(value.id, value);
    }
    for (const [id, value] of topic) if (outbox.has(id) && JSON.stringify(outbox.get(id)) !== JSON.stringify(value)) inconsistent.add(id);
    return {
      windows,
      rollups,
      sampleCount: samples.n,
      tooLateSampleCount: samples.too_late,
      gpuSampleCount: gpuSamples?.n ?? null,
      tooLateGpuSampleCount: gpuSamples?.too_late ?? null,
      outbox,
      topic,
      topicDuplicates,
      inconsistentIds: [...inconsistent],
    };
  }

  close(): Promise<void> {
    return this.db.end();
  }
}

/**
 * An event's value with its list of source traces sorted: the list is built in the order Postgres
 * returns the window's samples, which no query fixes, so only its content is comparable across runs.
 */
export function comparableEvent(event: CellLoadWindow): CellLoadWindow {
  return { ...event, sourceTraceIds: [...event.sourceTraceIds].sort() };
}

/** Sorted ids and id → comparable value of a run's events, for exact comparison between runs. */
export function eventsOf(events: ReadonlyMap<string, CellLoadWindow>): { ids: string[]; values: Record<string, CellLoadWindow> } {
  const ids = [...events.keys()].sort();
  return { ids, values: Object.fromEntries(ids.map((id) => [id, comparableEvent(events.get(id)!)])) };
}

/**
 * How a run's final state departs from what its stream makes certain (nothing, for a complete run): every
 * distinct sample stored once and the too-late ones flagged, every window closed, from its on-time
 * samples, with the revision its late reports give it, and one outbox event per revision. At most 20.
 */
export function departuresFromStream(state: LoadState, stream: TelemetryStream): string[] {
  const out: string[] = [];
  const check = (what: string, actual: unknown, expected: unknown) => {
    if (actual !== expected) out.push(`${what}: ${actual}, expected ${expected}`);
  };
  check('cell samples', state.sampleCount, stream.uniqueSamples);
  check('too-late cell samples', state.tooLateSampleCount, stream.tooLateSamples);
  if (state.gpuSampleCount !== null) {
    check('GPU samples', state.gpuSampleCount, stream.uniqueGpuSamples);
    check('too-late GPU samples', state.tooLateGpuSampleCount, 0);
  }
  check('windows', state.windows.length, stream.windows);
  check('samples counted in windows', state.windows.reduce((sum, w) => sum + (w.sample_count as number), 0), stream.uniqueSamples - stream.tooLateSamples);
  const emitted = new Set([...state.outbox.values()].map((e) => `${e.cellId}@${e.windowStart}#${e.revision}`));
  check('events in the outbox', state.outbox.size, state.windows.reduce((sum, w) => sum + (w.revision as number) + 1, 0));
  for (const w of state.windows) {
    const window = `${w.cell_id}@${w.window_start}`;
    check(`${window} revision`, w.revision, stream.revisionOf(w.site_id as string, Date.parse(w.window_start as string)));
    for (let r = 0; r <= (w.revision as number); r++) if (!emitted.has(`${window}#${r}`)) out.push(`${window}: no event for revision ${r}`);
    check(`${window} event's revision`, state.outbox.get(w.event_id as string)?.revision, w.revision);
  }
  return out.slice(0, 20);
}

/**
 * Rows that differ between two equally ordered row lists, where floating-point columns may differ by
 * `relativeTolerance` (rounding of sums taken in another order): up to 20 descriptions, or none.
 */
export function rowDifferences(actual: ReadonlyArray<Record<string, unknown>>, expected: ReadonlyArray<Record<string, unknown>>, relativeTolerance: number): string[] {
  const close = (x: unknown, y: unknown) =>
    x === y || (typeof x === 'number' && typeof y === 'number' && Math.abs(x - y) <= relativeTolerance * Math.max(Math.abs(x), Math.abs(y)));
  const out: string[] = [];
  if (actual.length !== expected.length) out.push(`${actual.length} rows, expected ${expected.length}`);
  for (let i = 0; i < Math.min(actual.length, expected.length) && out.length < 20; i++) {
    const columns = new Set([...Object.keys(actual[i]), ...Object.keys(expected[i])]);
    const differing = [...columns].filter((c) => !close(actual[i][c], expected[i][c]));
    if (differing.length > 0) out.push(`row ${i}: ${differing.map((c) => `${c} ${JSON.stringify(actual[i][c])} (expected ${JSON.stringify(expected[i][c])})`).join(', ')} in ${JSON.stringify(expected[i])}`);
  }
  return out;
}
