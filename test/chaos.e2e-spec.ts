import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChaosOptions, runChaos } from './chaos/chaos';
import type { ChaosReport } from './chaos/chaos-report';

/**
 * The chaos campaign of `npm run chaos` (test/chaos/chaos.ts, docs/reliability.md), short: a minute of
 * traffic from a small fleet, every service killed with SIGKILL once, the broker restarted once (gracefully:
 * around such a restart kafkajs used to lose acknowledged reports, docs/reliability.md finding 3) and
 * Postgres crashed once, on a broker and a Postgres cluster of the test's own. The accounting afterwards
 * must find nothing lost and nothing doubled, and every consumer back at zero lag.
 */
const OPTIONS: Omit<ChaosOptions, 'outDir'> = {
  seed: 20_261_206,
  durationS: 60,
  quietS: 10,
  kills: 5,
  brokerRestarts: 1,
  postgresRestarts: 1,
  rate: 800,
  sitesPerOperator: 2,
  cellsPerSite: 10,
  drainTimeoutS: 90,
};

/** The campaign runs its own broker (Java, like deploy/local/kafka.sh) and Postgres cluster (the server binaries), even where the suite uses containers. */
const missing = ['java', 'initdb', 'pg_ctl'].filter((tool) => {
  try {
    execFileSync('bash', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return false;
  } catch {
    return true;
  }
});
if (missing.length > 0) process.stderr.write(`[chaos] skipped: ${missing.join(', ')} not installed\n`);

(missing.length === 0 ? describe : describe.skip)('chaos campaign, short', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'airan-chaos-e2e-'));
  let report: ChaosReport;

  beforeAll(async () => {
    report = await runChaos({ ...OPTIONS, outDir });
  }, 300_000);

  // A failed run's report and service logs are the evidence: kept, and named.
  afterAll(() => {
    if (report?.failures.length === 0) rmSync(outDir, { recursive: true, force: true });
    else process.stderr.write(`[chaos] report and logs kept in ${outDir}\n`);
  });

  it('killed every service once, restarted the broker and crashed Postgres, and recovered from each', () => {
    expect(report.faults.map((f) => f.kind).sort()).toEqual(['broker (graceful)', 'kill alerting', 'kill api', 'kill ingest', 'kill load', 'kill share', 'postgres (crash)']);
    expect(report.faults.filter((f) => f.recoverySeconds === null)).toEqual([]);
  });

  it('had traffic accepted and alerts firing into the webhook', () => {
    expect(report.records.accepted).toBeGreaterThan(10_000);
    expect(report.accounting.alerts.byStatus.firing).toBeGreaterThan(0);
    expect(report.accounting.alerts.notifications).toBeGreaterThan(0);
  });

  it('lost nothing and doubled nothing: samples, windows, cell-load events, alert transitions, notifications', () => {
    expect(report.failures).toEqual([]);
  });

  it('drained every consumer to zero lag', () => {
    expect(report.drainSeconds).not.toBeNull();
    expect(Object.values(report.finalLag.lag).every((n) => n === 0)).toBe(true);
  });
});
