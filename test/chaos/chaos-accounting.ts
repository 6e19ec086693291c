import { Client } from 'pg';
import { type AlertEvent, type CellLoadWindow, type CellSample, type GpuSample, stableEventId, type TelemetryReport, topicNames } from '@airan/contracts';
import { CELL_GPU_ALLOCATION, type SimOperator } from '@airan/demo-fleet';
import { attributeAiTime, attributeRadioTime, computeCellWindow, nodeGpuTime } from '@airan/load-model';
import { readTopicToEnd } from '../support/kafka-test-tools';
import type { Delivery } from '../bench/alert-receiver';
import type { Outcome } from './chaos-traffic';

/** At most this many examples of each finding are kept (the counts are exact). */
const EXAMPLES = 10;

export interface Finding {
  readonly count: number;
  readonly examples: readonly string[];
}

export interface Accounting {
  readonly samples: {
    /** Reports (operator × tick) by outcome, and the samples (cell + GPU) they held. */
    readonly reports: Record<Outcome, number>;
    readonly samplesByOutcome: Record<Outcome, number>;
    /** Samples of 2xx-answered reports missing from Postgres, or stored more than once. */
    readonly lostAccepted: Finding;
    readonly doubled: Finding;
    /** Samples of reports answered 503 or not at all: stored once (the send had landed) or absent. */
    readonly unsettledStored: number;
    readonly unsettledAbsent: number;
    /** A report of one site and tick stored in part (a site's samples travel in one Kafka message). */
    readonly partial: Finding;
    /** Samples stored that no request carried. */
    readonly unexpected: Finding;
  };
  readonly windows: { readonly checked: number; readonly revised: number; readonly mismatched: Finding };
  readonly cellLoad: {
    readonly revisions: number;
    readonly messages: number;
    /** Revisions whose event id is not on the topic; ids on it no revision has; ids whose copies differ. */
    readonly missing: Finding;
    readonly unknown: Finding;
    readonly inconsistent: Finding;
    /** Extra copies of an id (the outbox relay is at least once; consumers de-duplicate by id), by id. */
    readonly redelivered: Finding;
  };
  readonly alerts: {
    readonly transitions: number;
    readonly byStatus: Record<string, number>;
    readonly missingOnTopic: Finding;
    readonly unknownOnTopic: Finding;
    readonly redeliveredOnTopic: Finding;
    readonly notifications: number;
    readonly notNotified: Finding;
    readonly missingAtWebhook: Finding;
    /** Deliveries a receiver had to absorb beyond the first, by notification id. */
    readonly webhookDuplicates: Finding;
  };
}

/** What counts as lost or doubled: the campaign fails on any of these. */
export function failures(a: Accounting): string[] {
  const checks: Array<[string, Finding]> = [
    ['samples answered 2xx and not stored', a.samples.lostAccepted],
    ['samples stored more than once', a.samples.doubled],
    ['reports stored in part', a.samples.partial],
    ['samples stored that were never sent', a.samples.unexpected],
    ['windows that differ from their recomputation', a.windows.mismatched],
    ['window revisions missing on airan.cell-load.v1', a.cellLoad.missing],
    ['unknown ids on airan.cell-load.v1', a.cellLoad.unknown],
    ['cell-load ids whose copies differ', a.cellLoad.inconsistent],
    ['alert transitions missing on airan.alerts.v1', a.alerts.missingOnTopic],
    ['unknown ids on airan.alerts.v1', a.alerts.unknownOnTopic],
    ['firing or resolved transitions without a notification', a.alerts.notNotified],
    ['notifications never received by the webhook', a.alerts.missingAtWebhook],
  ];
  return checks.filter(([, f]) => f.count > 0).map(([what, f]) => `${f.count} ${what}: ${f.examples.join(', ')}`);
}

class Collector {
  count = 0;
  readonly examples: string[] = [];
  add(example: string, n = 1): void {
    this.count += n;
    if (this.examples.length < EXAMPLES) this.examples.push(example);
  }
  get finding(): Finding {
    return { count: this.count, examples: this.examples };
  }
}

/**
 * The accounting after the campaign, from what the traffic was told, what Postgres holds, what the topics
 * hold and what the webhook receiver got. Run once every consumer has caught up.
 */
export async function account(input: {
  readonly db: Client;
  readonly topicPrefix: string;
  readonly operators: readonly SimOperator[];
  readonly outcomes: ReadonlyMap<string, Outcome>;
  readonly windowMs: number;
  readonly deliveries: readonly Delivery[];
}): Promise<Accounting> {
  return {
    samples: await accountSamples(input.db, input.topicPrefix, input.operators, input.outcomes),
    windows: await recomputeWindows(input.db, input.operators, input.windowMs),
    cellLoad: await accountCellLoad(input.db, input.topicPrefix),
    alerts: await accountAlerts(input.db, input.topicPrefix, input.deliveries),
  };
}

/**
 * Lost samples, each report said to be on airan.telemetry.v1 (at its partition and offset: load did not
 * apply it) or not (the producer's acknowledgement did not hold): where to look next.
 */
async function whereLost(topicPrefix: string, lost: ReadonlyArray<{ siteId: string; ts: Date; missing: number }>): Promise<Finding> {
  const finding = new Collector();
  if (lost.length === 0) return finding.finding;
  const messages = await readTopicToEnd<TelemetryReport>(topicNames(topicPrefix).telemetry, 300_000);
  for (const { siteId, ts, missing } of lost) {
    const at = messages.filter((m) => m.value.siteId === siteId && [...m.value.cells, ...m.value.gpus].some((s) => s.ts === ts.getTime()));
    const where = at.length === 0 ? 'not on the topic' : `on the topic at ${at.map((m) => `${m.partition}/${m.offset}`).join(', ')}`;
    finding.add(`${siteId}@${ts.toISOString()} (${missing} missing; ${where})`, missing);
  }
  return finding.finding;
}

/**
 * Per site and tick: what the report's outcome says against how many of its cell and GPU samples
 * Postgres holds. Counted in Postgres (the sent reports go to a table beside load's), not in memory.
 */
async function accountSamples(db: Client, topicPrefix: string, operators: readonly SimOperator[], outcomes: ReadonlyMap<string, Outcome>): Promise<Accounting['samples']> {
  await db.query('CREATE TABLE IF NOT EXISTS public.chaos_sent (site_id text NOT NULL, ts timestamptz NOT NULL, outcome text NOT NULL, cells int NOT NULL, gpus int NOT NULL, PRIMARY KEY (site_id, ts))');
  await db.query('TRUNCATE public.chaos_sent');
  const rows: Array<[string, string, Outcome, number, number]> = [];
  const reports: Record<Outcome, number> = { accepted: 0, refused: 0, unanswered: 0, other: 0 };
  const samplesByOutcome: Record<Outcome, number> = { accepted: 0, refused: 0, unanswered: 0, other: 0 };
  const byId = new Map(operators.map((op) => [op.id as string, op]));
  for (const [key, outcome] of outcomes) {
    const [operatorId, tick] = key.split('@');
    reports[outcome]++;
    for (const site of byId.get(operatorId)!.sites) {
      rows.push([site.id, new Date(Number(tick)).toISOString(), outcome, site.cells.length, site.gpuNode.devices.length]);
      samplesByOutcome[outcome] += site.cells.length + site.gpuNode.devices.length;
    }
  }
  for (let i = 0; i < rows.length; i += 5000) {
    const chunk = rows.slice(i, i + 5000);
    await db.query('INSERT INTO public.chaos_sent SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::int[], $5::int[])', [0, 1, 2, 3, 4].map((c) => chunk.map((r) => r[c])));
  }
  // One row per site and tick sent or stored: the sent report's counts against the stored rows (and distinct identities).
  const { rows: compared } = await db.query<{ site_id: string; ts: Date; outcome: string | null; cells: number | null; gpus: number | null; c: number; cd: number; g: number; gd: number }>(`
    WITH c AS (SELECT site_id, ts, count(*)::int AS c, count(DISTINCT cell_id)::int AS cd FROM load.cell_samples GROUP BY site_id, ts),
         g AS (SELECT site_id, ts, count(*)::int AS g, count(DISTINCT (node, device))::int AS gd FROM load.gpu_samples GROUP BY site_id, ts),
         stored AS (SELECT coalesce(c.site_id, g.site_id) AS site_id, coalesce(c.ts, g.ts) AS ts, coalesce(c, 0) AS c, coalesce(cd, 0) AS cd, coalesce(g, 0) AS g, coalesce(gd, 0) AS gd
                    FROM c FULL JOIN g ON c.site_id = g.site_id AND c.ts = g.ts)
    SELECT coalesce(s.site_id, x.site_id) AS site_id, coalesce(s.ts, x.ts) AS ts, s.outcome, s.cells, s.gpus,
           coalesce(x.c, 0) AS c, coalesce(x.cd, 0) AS cd, coalesce(x.g, 0) AS g, coalesce(x.gd, 0) AS gd
    FROM public.chaos_sent s FULL JOIN stored x ON s.site_id = x.site_id AND s.ts = x.ts
    WHERE s.outcome IS NULL OR s.outcome = 'accepted' AND (x.cd IS DISTINCT FROM s.cells OR x.gd IS DISTINCT FROM s.gpus)
       OR s.outcome <> 'accepted' AND coalesce(x.c, 0) + coalesce(x.g, 0) > 0 OR x.c <> x.cd OR x.g <> x.gd`);
  const lost: Array<{ siteId: string; ts: Date; missing: number }> = [];
  const doubled = new Collector();
  const partial = new Collector();
  const unexpected = new Collector();
  let unsettledStored = 0;
  for (const r of compared) {
    const where = `${r.site_id}@${r.ts.toISOString()}`;
    const copies = r.c - r.cd + (r.g - r.gd);
    if (copies > 0) doubled.add(where, copies);
    if (r.outcome === null) {
      unexpected.add(where, r.cd + r.gd);
    } else if (r.outcome === 'accepted') {
      const missing = r.cells! - r.cd + (r.gpus! - r.gd);
      if (missing > 0) lost.push({ siteId: r.site_id, ts: r.ts, missing });
    } else if (r.cd === r.cells && r.gd === r.gpus) {
      unsettledStored += r.cd + r.gd;
    } else {
      partial.add(`${where} (${r.outcome}: ${r.cd}/${r.cells} cells, ${r.gd}/${r.gpus} GPUs)`);
    }
  }
  const unsettled = samplesByOutcome.refused + samplesByOutcome.unanswered + samplesByOutcome.other;
  return {
    reports,
    samplesByOutcome,
    lostAccepted: await whereLost(topicPrefix, lost),
    doubled: doubled.finding,
    unsettledStored,
    unsettledAbsent: unsettled - unsettledStored,
    partial: partial.finding,
    unexpected: unexpected.finding,
  };
}

const WINDOW_COLUMNS: ReadonlyArray<[string, keyof ReturnType<typeof computeCellWindow>]> = [
  ['sample_count', 'sampleCount'], ['coverage', 'coverage'], ['ai_gpu_ms', 'aiGpuMs'], ['capacity_gpu_ms', 'capacityGpuMs'], ['radio_gpu_ms', 'radioGpuMs'],
  ['inference_load', 'inferenceLoad'], ['radio_load', 'radioLoad'], ['headroom', 'headroom'], ['requests', 'requests'], ['tokens', 'tokens'],
  ['tokens_per_sec', 'tokensPerSec'], ['latency_p95_ms', 'latencyP95Ms'], ['prb_dl_pct', 'prbDlPct'], ['prb_ul_pct', 'prbUlPct'],
  ['thp_dl_mbps', 'thpDlMbps'], ['thp_ul_mbps', 'thpUlMbps'], ['rrc_connected_ues', 'rrcConnectedUes'],
];

/** Sums taken in another order differ in the last bits: that much relative difference is equality. */
const TOLERANCE = 1e-9;
const close = (x: unknown, y: unknown) => {
  const [a, b] = [x === null ? null : Number(x), y === null || y === undefined ? null : Number(y)];
  return a === b || (a !== null && b !== null && Math.abs(a - b) <= TOLERANCE * Math.max(Math.abs(a), Math.abs(b)));
};

/**
 * Every closed window (its latest revision) against a recomputation from the samples Postgres holds
 * (too-late ones left out, as load leaves them out) by libs/load-model's pure functions, with the
 * fleet's registry: every cell of a site on the site's GPU node with the demo allocation. One window
 * start at a time, so memory stays bounded whatever the run's length.
 */
async function recomputeWindows(db: Client, operators: readonly SimOperator[], windowMs: number): Promise<Accounting['windows']> {
  const nodeOf = new Map<string, string>();
  const cellsOf = new Map<string, string[]>();
  for (const site of operators.flatMap((op) => op.sites)) {
    cellsOf.set(site.gpuNode.hostname, site.cells.map((c) => c.id));
    for (const c of site.cells) nodeOf.set(c.id, site.gpuNode.hostname);
  }
  const mismatched = new Collector();
  let checked = 0;
  let revised = 0;
  const { rows: starts } = await db.query<{ s: number }>('SELECT DISTINCT (extract(epoch FROM window_start) * 1000)::float8 AS s FROM load.cell_windows ORDER BY 1');
  for (const { s: start } of starts) {
    const end = start + windowMs;
    const range = [new Date(start).toISOString(), new Date(end).toISOString()];
    const { rows: windows } = await db.query('SELECT * FROM load.cell_windows WHERE window_start = $1', [range[0]]);
    const { rows: cellRows } = await db.query(
      `SELECT cell_id, (extract(epoch FROM ts) * 1000)::float8 AS ts, interval_ms, prb_dl_pct, prb_ul_pct, thp_dl_mbps, thp_ul_mbps, rrc_connected_ues,
              inference_requests::float8, inference_tokens::float8, gpu_ms, latency_p95_ms
       FROM load.cell_samples WHERE ts > $1 AND ts <= $2 AND NOT too_late`, range);
    const { rows: gpuRows } = await db.query(
      `SELECT node, device, (extract(epoch FROM ts) * 1000)::float8 AS ts, util_pct, radio_share, ai_share FROM load.gpu_samples WHERE ts > $1 AND ts <= $2 AND NOT too_late`, range);
    const samples = groupBy(cellRows, (r) => r.cell_id as string, toCellSample);
    const gpus = groupBy(gpuRows, (r) => r.node as string, toGpuSample);
    for (const w of windows) {
      checked++;
      if (w.revision > 0) revised++;
      const node = nodeOf.get(w.cell_id)!;
      const time = nodeGpuTime(gpus.get(node) ?? [], windowMs);
      const demands = (cellsOf.get(node) ?? []).map((cellId) => {
        const own = samples.get(cellId) ?? [];
        const reported = own.filter((x) => x.gpuMs !== undefined);
        return { cellId, requests: own.reduce((n, x) => n + (x.inferenceRequests ?? 0), 0), reportedGpuMs: reported.length > 0 ? reported.reduce((n, x) => n + x.gpuMs!, 0) : null, allocatedGpus: CELL_GPU_ALLOCATION };
      });
      const ai = time.aiGpuMs === null ? undefined : attributeAiTime(time.aiGpuMs, demands).get(w.cell_id);
      const radio = time.radioGpuMs === null ? undefined : attributeRadioTime(time.radioGpuMs, demands).get(w.cell_id);
      const expected = computeCellWindow({ window: { start, end }, samples: samples.get(w.cell_id) ?? [], allocatedGpus: CELL_GPU_ALLOCATION, node: { attributedAiGpuMs: ai ?? null, radioGpuMs: radio ?? null } });
      const differing = WINDOW_COLUMNS.filter(([column, field]) => !close(w[column], expected[field]));
      if (differing.length > 0) mismatched.add(`${w.cell_id}@${range[0]} rev ${w.revision}: ${differing.map(([c, f]) => `${c} ${w[c]} ≠ ${expected[f]}`).join(', ')}`);
    }
  }
  return { checked, revised, mismatched: mismatched.finding };
}

/** Every revision load stored has its deterministic event id on airan.cell-load.v1, its copies identical. */
async function accountCellLoad(db: Client, topicPrefix: string): Promise<Accounting['cellLoad']> {
  const { rows } = await db.query<{ cell_id: string; s: number; revision: number; event_id: string }>(
    'SELECT cell_id, (extract(epoch FROM window_start) * 1000)::float8 AS s, revision, event_id FROM load.cell_window_revisions');
  const messages = await readTopicToEnd<CellLoadWindow>(topicNames(topicPrefix).cellLoad, 300_000);
  const copies = new Map<string, string[]>();
  for (const m of messages) copies.set(m.value.id, [...(copies.get(m.value.id) ?? []), JSON.stringify(m.value)]);
  const missing = new Collector();
  const known = new Set<string>();
  for (const r of rows) {
    const id = stableEventId('cell-load', r.cell_id, r.s, r.revision);
    known.add(r.event_id);
    if (id !== r.event_id || !copies.has(id)) missing.add(`${r.cell_id}@${new Date(r.s).toISOString()} rev ${r.revision} (${r.event_id})`);
  }
  const unknown = new Collector();
  const inconsistent = new Collector();
  const redelivered = new Collector();
  for (const [id, values] of copies) {
    if (!known.has(id)) unknown.add(id);
    if (values.length > 1) redelivered.add(`${id} ×${values.length}`, values.length - 1);
    if (new Set(values).size > 1) inconsistent.add(id);
  }
  return { revisions: rows.length, messages: messages.length, missing: missing.finding, unknown: unknown.finding, inconsistent: inconsistent.finding, redelivered: redelivered.finding };
}

/**
 * Every alert transition once in alerting's history (its primary key), on airan.alerts.v1, and, when it
 * is a firing or a resolve nobody muted, in a notification that reached the webhook at least once.
 * A notification is told apart at the receiver by the alert, its status and its episode's start.
 */
async function accountAlerts(db: Client, topicPrefix: string, deliveries: readonly Delivery[]): Promise<Accounting['alerts']> {
  const { rows: history } = await db.query<{ event_id: string; status: string }>('SELECT event_id, status FROM alerting.alert_history');
  const events = (await readTopicToEnd<AlertEvent>(topicNames(topicPrefix).alerts, 300_000)).map((m) => m.value);
  const onTopic = new Map<string, AlertEvent[]>();
  for (const e of events) onTopic.set(e.id, [...(onTopic.get(e.id) ?? []), e]);
  const byStatus: Record<string, number> = {};
  const missingOnTopic = new Collector();
  for (const h of history) {
    byStatus[h.status] = (byStatus[h.status] ?? 0) + 1;
    if (!onTopic.has(h.event_id)) missingOnTopic.add(h.event_id);
  }
  const inHistory = new Set(history.map((h) => h.event_id));
  const unknownOnTopic = new Collector();
  const redeliveredOnTopic = new Collector();
  for (const [id, copies] of onTopic) {
    if (!inHistory.has(id)) unknownOnTopic.add(id);
    if (copies.length > 1) redeliveredOnTopic.add(`${id} ×${copies.length}`, copies.length - 1);
  }
  const notificationKey = (fingerprint: string | undefined, status: string, startsAt: string) => `${fingerprint}/${status}/${startsAt}`;
  const { rows: notifications } = await db.query<{ id: string; fingerprint: string; status: string; starts_at: string }>(
    `SELECT id, fingerprint, status, body->'alerts'->0->>'startsAt' AS starts_at FROM alerting.notifications`);
  const notified = new Set(notifications.map((n) => notificationKey(n.fingerprint, n.status, n.starts_at)));
  const notNotified = new Collector();
  for (const copies of onTopic.values()) {
    const e = copies[0];
    const muted = e.silencedBy.length > 0 || e.inhibitedBy !== null;
    if (e.change === 'state' && (e.status === 'firing' || e.status === 'resolved') && !muted && !notified.has(notificationKey(e.fingerprint, e.status, e.startsAt))) {
      notNotified.add(`${e.id} (${e.status} ${e.fingerprint})`);
    }
  }
  const received = new Map<string, number>();
  for (const d of deliveries) {
    // The receiver keeps the alerts as sent: Alertmanager's startsAt is there beside the fields it types.
    const alert = d.alerts[0] as (typeof d.alerts)[number] & { startsAt?: string };
    if (!alert) continue;
    const key = notificationKey(alert.fingerprint, alert.status, alert.startsAt ?? '');
    received.set(key, (received.get(key) ?? 0) + 1);
  }
  const missingAtWebhook = new Collector();
  const webhookDuplicates = new Collector();
  for (const n of notifications) {
    const times = received.get(notificationKey(n.fingerprint, n.status, n.starts_at)) ?? 0;
    if (times === 0) missingAtWebhook.add(n.id);
    if (times > 1) webhookDuplicates.add(`${n.id} ×${times}`, times - 1);
  }
  return {
    transitions: history.length,
    byStatus,
    missingOnTopic: missingOnTopic.finding,
    unknownOnTopic: unknownOnTopic.finding,
    redeliveredOnTopic: redeliveredOnTopic.finding,
    notifications: notifications.length,
    notNotified: notNotified.finding,
    missingAtWebhook: missingAtWebhook.finding,
    webhookDuplicates: webhookDuplicates.finding,
  };
}

function groupBy<R, T>(rows: readonly R[], keyOf: (r: R) => string, map: (r: R) => T): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) out.set(keyOf(r), [...(out.get(keyOf(r)) ?? []), map(r)]);
  return out;
}

/** A stored row as load reads it back (apps/load sample.repository): absent columns are absent fields. */
function toCellSample(r: Record<string, unknown>): CellSample {
  const fields: Array<[string, keyof CellSample]> = [
    ['prb_dl_pct', 'prbDlPct'], ['prb_ul_pct', 'prbUlPct'], ['thp_dl_mbps', 'thpDlMbps'], ['thp_ul_mbps', 'thpUlMbps'], ['rrc_connected_ues', 'rrcConnectedUes'],
    ['inference_requests', 'inferenceRequests'], ['inference_tokens', 'inferenceTokens'], ['gpu_ms', 'gpuMs'], ['latency_p95_ms', 'latencyP95Ms'],
  ];
  const sample: Record<string, unknown> = { cellId: r.cell_id, ts: r.ts, intervalMs: r.interval_ms };
  for (const [column, field] of fields) if (r[column] !== null) sample[field] = r[column];
  return sample as unknown as CellSample;
}

function toGpuSample(r: Record<string, unknown>): GpuSample {
  const sample: Record<string, unknown> = { node: r.node, device: r.device, ts: r.ts };
  if (r.radio_share !== null) sample.radioShare = r.radio_share;
  if (r.ai_share !== null) sample.aiShare = r.ai_share;
  if (r.util_pct !== null) sample.utilPct = r.util_pct;
  return sample as unknown as GpuSample;
}
