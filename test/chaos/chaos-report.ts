import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Accounting } from './chaos-accounting';
import type { Finding } from './chaos-finding';
import type { InjectedFault } from './chaos-faults';
import type { LagReading } from './chaos-lag';
import type { SelfExit } from './chaos-stack';

export interface ChaosReport {
  readonly options: Record<string, unknown>;
  readonly startedAt: string;
  readonly trafficSeconds: number;
  readonly records: {
    readonly offeredPerSec: number;
    readonly accepted: number;
    readonly statuses: Record<string, number>;
    readonly unexpectedAnswers: ReadonlyArray<{ status: number; at: string; body: string }>;
    readonly retries: number;
    readonly skippedTicks: number;
  };
  readonly faults: readonly InjectedFault[];
  /** By fault kind: how many, and seconds to recover (median, max); not recovered within the timeout counts in `unrecovered` (slow, not a failure: the accounting says whether anything was lost). */
  readonly recovery: Record<string, { count: number; medianSeconds: number | null; maxSeconds: number | null; unrecovered: number }>;
  readonly processes: Record<string, number>;
  readonly selfExits: ReadonlyArray<Omit<SelfExit, 'logTail'> & { logTail?: string }>;
  /** Seconds from the traffic's end until every consumer's lag, the outboxes and the notifications were at zero (null: not within the timeout). */
  readonly drainSeconds: number | null;
  readonly finalLag: LagReading;
  readonly accounting: Accounting;
  readonly failures: readonly string[];
}

export function recoveryByKind(faults: readonly InjectedFault[]): ChaosReport['recovery'] {
  const out: ChaosReport['recovery'] = {};
  for (const kind of [...new Set(faults.map((f) => f.kind))].sort()) {
    const of = faults.filter((f) => f.kind === kind);
    const seconds = of.flatMap((f) => (f.recoverySeconds === null ? [] : [f.recoverySeconds])).sort((a, b) => a - b);
    out[kind] = {
      count: of.length,
      medianSeconds: seconds.length === 0 ? null : round(seconds[Math.floor((seconds.length - 1) / 2)]),
      maxSeconds: seconds.length === 0 ? null : round(seconds[seconds.length - 1]),
      unrecovered: of.length - seconds.length,
    };
  }
  return out;
}

const round = (x: number) => Math.round(x * 10) / 10;
const n = (x: number) => x.toLocaleString('en');
const finding = (f: Finding) => (f.count === 0 ? '0' : `**${n(f.count)}** (${f.examples.slice(0, 3).join('; ')})`);

/** Writes report.json and report.md to `dir`. */
export function writeReport(dir: string, report: ChaosReport): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'report.json'), `${JSON.stringify(report, null, 1)}\n`);
  writeFileSync(join(dir, 'report.md'), markdown(report));
}

function markdown(r: ChaosReport): string {
  const a = r.accounting;
  const s = a.samples;
  const kinds = Object.entries(r.recovery);
  const count = (prefix: string) => r.faults.filter((f) => f.kind.startsWith(prefix)).length;
  return [
    `# Chaos campaign ${r.startedAt}`,
    '',
    `Verdict: ${r.failures.length === 0 ? '**nothing lost, nothing doubled**' : `**${r.failures.length} failed checks**`}`,
    ...r.failures.map((f) => `- ${f}`),
    '',
    `Options: \`${JSON.stringify(r.options)}\``,
    '',
    '## Faults',
    '',
    `${r.faults.length} faults in ${Math.round(r.trafficSeconds)} s of traffic: ${count('kill')} kill -9, ${count('broker')} broker restarts, ${count('postgres')} Postgres crashes. ` +
      `Processes per service (1 + restarts): ${Object.entries(r.processes).map(([k, v]) => `${k} ${v}`).join(', ')}. ` +
      `Exits nobody asked for: ${r.selfExits.length}${r.selfExits.length ? ` (${[...new Set(r.selfExits.map((e) => e.app))].join(', ')})` : ''}.`,
    '',
    '| fault | count | recovery median s | max s | not recovered |',
    '|---|---:|---:|---:|---:|',
    ...kinds.map(([kind, k]) => `| ${kind} | ${k.count} | ${k.medianSeconds ?? '–'} | ${k.maxSeconds ?? '–'} | ${k.unrecovered} |`),
    '',
    'Recovery: from the fault until the killed service answers `/health/ready` again (ingest: and has answered 2xx); after a broker or Postgres restart, until every service answers ready and ingest has answered 2xx since.',
    '',
    '## Records',
    '',
    `${n(r.records.accepted)} records accepted (${n(Math.round(r.records.offeredPerSec))} offered per second); answers: ${Object.entries(r.records.statuses).map(([k, v]) => `${k} ×${n(v)}`).join(', ')}; ${n(r.records.retries)} retries, ${r.records.skippedTicks} ticks skipped.`,
    '',
    ...r.records.unexpectedAnswers.slice(0, 3).map((u) => `- unexpected ${u.status} at ${u.at}: \`${u.body.slice(0, 200)}\``),
    '',
    '| check | result |',
    '|---|---|',
    `| samples answered 2xx (${n(s.samplesByOutcome.accepted)}) missing | ${finding(s.lostAccepted)} |`,
    `| samples stored twice | ${finding(s.doubled)} |`,
    `| samples never answered 2xx (${n(s.samplesByOutcome.refused + s.samplesByOutcome.unanswered + s.samplesByOutcome.other)}: 503, other status, no answer) | stored once ${n(s.unsettledStored)}, absent ${n(s.unsettledAbsent)} |`,
    `| reports stored in part | ${finding(s.partial)} |`,
    `| samples stored that no request carried | ${finding(s.unexpected)} |`,
    `| windows (${n(a.windows.checked)}, ${n(a.windows.revised)} revised) differing from their recomputation | ${finding(a.windows.mismatched)} |`,
    `| window revisions (${n(a.cellLoad.revisions)}) missing on airan.cell-load.v1 | ${finding(a.cellLoad.missing)} |`,
    `| unknown or inconsistent cell-load ids | ${finding(a.cellLoad.unknown)} / ${finding(a.cellLoad.inconsistent)} |`,
    `| cell-load copies redelivered (at least once relay, absorbed by id) | ${finding(a.cellLoad.redelivered)} |`,
    `| alert transitions (${n(a.alerts.transitions)}: ${Object.entries(a.alerts.byStatus).map(([k, v]) => `${k} ${v}`).join(', ')}) missing on airan.alerts.v1 | ${finding(a.alerts.missingOnTopic)} |`,
    `| unknown ids on airan.alerts.v1 | ${finding(a.alerts.unknownOnTopic)} |`,
    `| alert events redelivered on airan.alerts.v1 (absorbed by id) | ${finding(a.alerts.redeliveredOnTopic)} |`,
    `| firing/resolved transitions without a notification | ${finding(a.alerts.notNotified)} |`,
    `| notifications (${n(a.alerts.notifications)}) never received | ${finding(a.alerts.missingAtWebhook)} |`,
    `| webhook duplicates the receiver absorbed | ${finding(a.alerts.webhookDuplicates)} |`,
    '',
    `Drained (every consumer's lag, the outboxes and the notifications at zero) ${r.drainSeconds === null ? '**not within the timeout**' : `${round(r.drainSeconds)} s after the traffic stopped`}. Final lag: ${Object.entries(r.finalLag.lag).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    '',
  ].join('\n');
}
