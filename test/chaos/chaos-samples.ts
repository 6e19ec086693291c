import type { Client } from 'pg';
import { type TelemetryReport, topicNames } from '@airan/contracts';
import type { SimOperator } from '@airan/demo-fleet';
import { readTopicToEnd } from '../support/kafka-test-tools';
import { Collector, type Finding } from './chaos-finding';
import type { Outcome } from './chaos-traffic';

export interface SampleAccounting {
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
}

/**
 * Per site and tick: what the report's outcome says against how many of its cell and GPU samples
 * Postgres holds. Counted in Postgres (the sent reports go to a table beside load's), not in memory.
 */
export async function accountSamples(db: Client, topicPrefix: string, operators: readonly SimOperator[], outcomes: ReadonlyMap<string, Outcome>): Promise<SampleAccounting> {
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
