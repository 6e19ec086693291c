import { type CellSample, type GpuSample, TELEMETRY_SCHEMA, type TelemetryReport, stableEventId } from '@airan/contracts';
import { FLEET, createPrng } from '@airan/demo-fleet';
import { type LatenessRules, type Lateness, latenessOf, watermarkOf, windowOfSample } from '@airan/load-model';

/**
 * The load service's test input (load-crash, load-scale, alerting-load-crash): a deterministic
 * telemetry stream of whole reports as ingest publishes them, with duplicates, disorder, late and
 * too-late samples, and what a complete run must end with for it. StreamProducer (kafka-test-tools.ts)
 * writes it to an isolation's telemetry topic.
 */

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
